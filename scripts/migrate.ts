import { ensureServices, log } from "./lib/services";
import { runMigrations } from "./lib/migrate";

const services = await ensureServices();
try {
  await runMigrations(services.databaseUrl);
  log("migrations applied");
} finally {
  services.stop();
}
