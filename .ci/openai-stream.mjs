// The official OpenAI Node client streaming from ./llmc up's gateway (usage: node openai-stream.mjs URL KEY).
import OpenAI from "openai";

const [url, key] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
const stream = await client.chat.completions.create({
  model: "auto",
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "How long should I knead bread dough?" }],
});
let text = "";
let model = "";
let usage = null;
for await (const chunk of stream) {
  model = chunk.model || model;
  text += chunk.choices[0]?.delta?.content ?? "";
  usage = chunk.usage ?? usage;
}
if (!text || !usage || usage.total_tokens <= 0) {
  console.error(`no streamed reply: text=${JSON.stringify(text)} usage=${JSON.stringify(usage)}`);
  process.exit(1);
}
console.log(`${model}: ${text.length} characters streamed, ${usage.total_tokens} tokens`);
