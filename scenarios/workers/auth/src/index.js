// The auth service: a named entrypoint other Workers call over JS RPC, and a default export
// for HTTP. It is never reached from the Internet in this scenario, only through bindings.
import { WorkerEntrypoint } from "cloudflare:workers";

const USERS = { t1: "ada", t2: "grace" };
let calls = 0;

export class Sessions extends WorkerEntrypoint {
  verify(token) {
    calls += 1;
    const user = USERS[token];
    if (user === undefined) throw new RangeError(`unknown token for ${this.ctx.props.app}`);
    console.log(`verified ${user} for ${this.ctx.props.app}`);
    return user;
  }
  // Counted per isolate: each colo runs its own.
  get callsSoFar() {
    return calls;
  }
}

export default {
  fetch() {
    return new Response("auth ok");
  },
};
