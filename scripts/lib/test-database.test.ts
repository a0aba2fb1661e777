// Which Postgres `npm test` runs on, with the machine replaced: the configured URL, the local service,
// else the embedded server (the fallback the README promises for a fresh machine).
import { describe, expect, it } from "vitest";
import { LOCAL_POSTGRES, resolveTestServer, type TestServerProbes } from "./test-database";

function pretend(env: Record<string, string | undefined>, localAnswers: boolean) {
  const started: { name: string; port: number }[] = [];
  const lines: string[] = [];
  const probes: TestServerProbes = {
    env,
    canConnect: async (url) => url === LOCAL_POSTGRES && localAnswers,
    startEmbedded: async (name, port) => {
      started.push({ name, port });
      return { url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, embedded: true, stop: async () => {} };
    },
  };
  return { probes, started, lines, log: (line: string) => lines.push(line) };
}

describe("resolveTestServer", () => {
  it("uses TEST_DATABASE_URL or DATABASE_URL's server when set, without probing", async () => {
    const machine = pretend({ DATABASE_URL: "postgresql://app:pw@db.internal:6543/invoice_link?sslmode=require" }, false);
    const server = await resolveTestServer(machine.log, machine.probes);
    expect(server).toMatchObject({ url: "postgresql://app:pw@db.internal:6543/postgres?sslmode=require", embedded: false });
    expect(machine.started).toEqual([]);
  });

  it("uses the Postgres on 127.0.0.1:5432 when it answers", async () => {
    const machine = pretend({ DATABASE_URL: "" }, true);
    expect(await resolveTestServer(machine.log, machine.probes)).toMatchObject({ url: LOCAL_POSTGRES, embedded: false });
    expect(machine.started).toEqual([]);
  });

  it("starts the embedded Postgres when nothing answers and no URL is set, saying so", async () => {
    const machine = pretend({}, false);
    expect(await resolveTestServer(machine.log, machine.probes)).toMatchObject({
      url: "postgresql://postgres:postgres@127.0.0.1:54330/postgres",
      embedded: true,
    });
    expect(machine.started).toEqual([{ name: "postgres-test", port: 54330 }]);
    expect(machine.lines).toEqual(["no Postgres on 127.0.0.1:5432 and no DATABASE_URL: starting an embedded one for the tests"]);
  });
});
