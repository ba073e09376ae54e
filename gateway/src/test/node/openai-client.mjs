// Drives a running gateway with the official OpenAI Node client, unchanged, and prints what it saw as one JSON line.
// Usage: LLMC_URL=http://localhost:8080 LLMC_KEY=... node openai-client.mjs
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: `${process.env.LLMC_URL}/v1`, apiKey: process.env.LLMC_KEY, maxRetries: 0 });
const messages = [{ role: 'user', content: 'What is a good recipe for a chocolate cake? How long should it bake?' }];
const result = {};

const completion = await client.chat.completions.create({
  model: 'auto', messages, user: 'node-user', metadata: { conversation_id: 'node-conversation' },
});
result.completion = { id: completion.id, model: completion.model, content: completion.choices[0].message.content };

const stream = await client.chat.completions.create({ model: 'auto', messages, stream: true });
result.stream = { ids: new Set(), models: new Set(), content: '', finishReason: null, chunks: 0 };
for await (const chunk of stream) {
  result.stream.chunks++;
  result.stream.ids.add(chunk.id);
  result.stream.models.add(chunk.model);
  result.stream.content += chunk.choices[0]?.delta?.content ?? '';
  result.stream.finishReason = chunk.choices[0]?.finish_reason ?? result.stream.finishReason;
}
result.stream.ids = [...result.stream.ids];
result.stream.models = [...result.stream.models];

// A stream the expert's node breaks off must surface as an error in the client, not as a short reply.
try {
  const broken = await client.chat.completions.create({ model: 'breaks', messages, stream: true });
  let content = '';
  for await (const chunk of broken) {
    content += chunk.choices[0]?.delta?.content ?? '';
  }
  result.broken = { error: null, content };
} catch (error) {
  result.broken = { error: error.constructor.name, message: String(error.message) };
}

console.log(JSON.stringify(result));
