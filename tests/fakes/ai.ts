// A test-only fake of an OpenAI-compatible chat completions API (POST <base>/chat/completions with
// "Authorization: Bearer <key>"), in OpenAI's wire format: chat.completion objects and
// { error: { message, type, param, code } } errors. A request with an image_url part is a receipt; any
// other is a note to turn into line items. Answers come from `respondWith` (default: a tiny
// deterministic "model" that makes one line per comma-separated item, and a fixed receipt).
import { randomBytes } from "node:crypto";
import { type FakeCall, type FakeReply, json, type ProviderFake, startProviderFake } from "./provider-fake";

type ChatRequest = {
  model?: unknown;
  messages?: Array<{ role: string; content: string | Array<{ type: string; text?: string; image_url?: { url: string } }> }>;
  response_format?: { type?: string };
};

type AnswerContext = { kind: "lines" | "receipt"; text: string; image: { mimeType: string; bytes: Buffer } | null; request: ChatRequest };
/** The assistant message's content for a request (a string, usually JSON). */
type Responder = (context: AnswerContext) => string;

const DEFAULT_RECEIPT = { vendor: "Hardware Depot #4521", date: "2026-11-20", total: 42.17, currency: "USD" };

const defaultResponder: Responder = ({ kind, text }) => {
  if (kind === "receipt") return JSON.stringify(DEFAULT_RECEIPT);
  const lines = text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const price = /\$(\d+(?:\.\d+)?)/.exec(part);
      return { description: part.replace(/\$\d+(?:\.\d+)?/, "").trim(), quantity: 1, unitPrice: price ? Number(price[1]) : null };
    });
  return JSON.stringify({ lines });
};

const ERRORS: Record<number, [string, string, string | null]> = {
  400: ["invalid_request_error", "Invalid request.", null],
  401: ["invalid_request_error", "Incorrect API key provided.", "invalid_api_key"],
  429: ["requests", "Rate limit reached for requests.", "rate_limit_exceeded"],
  500: ["server_error", "The server had an error while processing your request.", null],
  503: ["server_error", "The engine is currently overloaded, please try again later.", null],
};

const openAiError = (status: number): FakeReply => {
  const [type, message, code] = ERRORS[status] ?? ["server_error", `Fake error ${status}.`, null];
  return json(status, { error: { message, type, param: null, code } });
};

export type FakeAi = ProviderFake & {
  /** Replaces the answer for the following requests (null: back to the default). */
  respondWith(responder: Responder | null): void;
  /** The parsed JSON bodies of the chat requests, in order. */
  requests(): ChatRequest[];
};

export async function startFakeAi(options: { apiKey: string; port?: number }): Promise<FakeAi> {
  let responder: Responder = defaultResponder;
  const fake = await startProviderFake({
    port: options.port,
    errorBody: openAiError,
    route: (call: FakeCall) => {
      if (call.method !== "POST" || !call.path.endsWith("/chat/completions")) return openAiError(404);
      if (call.headers.authorization !== `Bearer ${options.apiKey}`) return openAiError(401);
      let body: ChatRequest;
      try {
        body = JSON.parse(call.body);
      } catch {
        return openAiError(400);
      }
      if (typeof body.model !== "string" || !Array.isArray(body.messages) || !body.messages.length) return openAiError(400);
      let text = "";
      let image: AnswerContext["image"] = null;
      for (const message of body.messages.filter((m) => m.role === "user")) {
        if (typeof message.content === "string") text += message.content;
        else {
          for (const part of message.content) {
            if (part.type === "text") text += part.text ?? "";
            if (part.type === "image_url") {
              const match = /^data:(image\/(?:jpeg|png|webp|gif));base64,([A-Za-z0-9+/=]+)$/.exec(part.image_url?.url ?? "");
              if (!match) return json(400, { error: { message: "Invalid image.", type: "invalid_request_error", param: null, code: "invalid_image_format" } });
              image = { mimeType: match[1], bytes: Buffer.from(match[2], "base64") };
            }
          }
        }
      }
      const content = responder({ kind: image ? "receipt" : "lines", text, image, request: body });
      return json(200, {
        id: `chatcmpl-${randomBytes(12).toString("hex")}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
      });
    },
  });
  return {
    ...fake,
    reset: () => {
      fake.reset();
      responder = defaultResponder;
    },
    respondWith: (next) => {
      responder = next ?? defaultResponder;
    },
    requests: () => fake.calls.map((c) => JSON.parse(c.body) as ChatRequest),
  };
}
