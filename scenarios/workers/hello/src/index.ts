interface Env {
  GREETING: string;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const name: string = url.searchParams.get("name") ?? "world";
    const requestId: string = crypto.randomUUID();
    console.log(`greeting ${name} (request ${requestId})`);
    return Response.json({ message: `${env.GREETING}, ${name}!`, at: Date.now(), requestId });
  },
} satisfies ExportedHandler<Env>;
