import { DurableObject } from "cloudflare:workers";
export class Notifier extends DurableObject<Env> {}
