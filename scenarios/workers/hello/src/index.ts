interface Env {
  GREETING: string;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const name: string = url.searchParams.get("name") ?? "world";
    console.log(`greeting ${name}`);
    return Response.json({ message: `${env.GREETING}, ${name}!`, at: Date.now() });
  },
} satisfies ExportedHandler<Env>;
