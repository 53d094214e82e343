/** Vite's `?raw` import: the file's text, as written on disk (fixtures stay byte-exact files). */
declare module "*?raw" {
  const text: string;
  export default text;
}
