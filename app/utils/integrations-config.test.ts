// The optional integrations' settings in app/utils/env.server.ts: off without keys, API overrides only
// towards the provider or this machine (an AI API anywhere over https).
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

const base = { DATABASE_URL: "postgresql://localhost/x", NODE_ENV: "test" };

describe("optional integration settings", () => {
  it("are all off by default, with a default AI model", () => {
    const env = parseEnv(base);
    expect(env.GOOGLE_MAPS_API_KEY).toBeUndefined();
    expect(env.RENTCAST_API_KEY).toBeUndefined();
    expect(env.AI_API_KEY).toBeUndefined();
    expect(env.AI_VISION_MODEL).toBeUndefined();
    expect(env.AI_MODEL).toBe("gpt-4o-mini");
    expect(parseEnv({ ...base, GOOGLE_MAPS_API_KEY: "  " }).GOOGLE_MAPS_API_KEY).toBeUndefined();
  });

  it("accept the providers' own hosts and local fakes as API overrides", () => {
    expect(() =>
      parseEnv({
        ...base,
        GOOGLE_MAPS_API_URL: "https://places.googleapis.com",
        RENTCAST_API_URL: "https://api.rentcast.io",
        AI_API_URL: "https://openrouter.ai/api/v1",
      }),
    ).not.toThrow();
    expect(() =>
      parseEnv({ ...base, GOOGLE_MAPS_API_URL: "http://127.0.0.1:9999", RENTCAST_API_URL: "http://localhost:1", AI_API_URL: "http://127.0.0.1:2/v1" }),
    ).not.toThrow();
  });

  it("refuse overrides that would send keys anywhere else", () => {
    expect(() => parseEnv({ ...base, GOOGLE_MAPS_API_URL: "https://evil.example" })).toThrow(
      /GOOGLE_MAPS_API_URL must be an https:\/\/\*\.googleapis\.com address/,
    );
    expect(() => parseEnv({ ...base, GOOGLE_MAPS_API_URL: "http://places.googleapis.com" })).toThrow(/GOOGLE_MAPS_API_URL/);
    expect(() => parseEnv({ ...base, RENTCAST_API_URL: "https://rentcast.io.evil.example" })).toThrow(
      /RENTCAST_API_URL must be an https:\/\/\*\.rentcast\.io address/,
    );
    expect(() => parseEnv({ ...base, AI_API_URL: "http://api.openai.com/v1" })).toThrow(/AI_API_URL must be an https:\/\/ address/);
    expect(() => parseEnv({ ...base, AI_API_URL: "not a url" })).toThrow(/AI_API_URL is not a URL/);
  });

  it("need the AI key for receipt reading, and bound the timeout", () => {
    expect(() => parseEnv({ ...base, AI_VISION_MODEL: "gpt-4o-mini" })).toThrow(/AI_VISION_MODEL needs AI_API_KEY/);
    expect(parseEnv({ ...base, INTEGRATIONS_TIMEOUT_MS: "1500" }).INTEGRATIONS_TIMEOUT_MS).toBe(1500);
    expect(() => parseEnv({ ...base, INTEGRATIONS_TIMEOUT_MS: "5" })).toThrow(/INTEGRATIONS_TIMEOUT_MS/);
  });
});
