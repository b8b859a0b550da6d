// For machines that have Prisma's native engines: `prisma migrate deploy` works on the
// same migrations folder. Custodian itself applies migrations with lib/store/migrate.ts.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/custodian" },
});
