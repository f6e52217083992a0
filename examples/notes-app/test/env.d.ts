declare module "cloudflare:test" {
	interface ProvidedEnv extends import("../src/index").Env {
		TEST_MIGRATIONS: D1Migration[];
	}
}
