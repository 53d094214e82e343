import { DurableObject } from "cloudflare:workers";
export class SendBudget extends DurableObject<Env> {}
