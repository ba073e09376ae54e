package dev.llmc.gpunode.retrieval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A finished completion as OpenAI's stream of {@code chat.completion.chunk} objects: the role, the content a few words
 * at a time, the finish reason, and, when the caller asked for it ({@code stream_options.include_usage}), a last chunk
 * with no choices and the usage. The caller ends the stream with {@code data: [DONE]}.
 */
final class CompletionChunks {
    // Words per content chunk: enough pieces for a client to see a stream, few enough to keep the overhead small.
    private static final int WORDS_PER_CHUNK = 4;

    private CompletionChunks() {
    }

    static List<String> of(Completion completion, boolean includeUsage, ObjectMapper mapper) {
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk(completion, mapper, delta(mapper).put("role", "assistant").put("content", ""), null).toString());
        String[] words = completion.content().split("(?<= )");
        for (int start = 0; start < words.length; start += WORDS_PER_CHUNK) {
            String piece = String.join("", Arrays.copyOfRange(words, start, Math.min(words.length, start + WORDS_PER_CHUNK)));
            chunks.add(chunk(completion, mapper, delta(mapper).put("content", piece), null).toString());
        }
        chunks.add(chunk(completion, mapper, delta(mapper), "stop").toString());
        if (includeUsage) {
            ObjectNode usage = base(completion, mapper);
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", completion.promptTokens())
                    .put("completion_tokens", completion.completionTokens())
                    .put("total_tokens", completion.promptTokens() + completion.completionTokens());
            chunks.add(usage.toString());
        }
        return chunks;
    }

    private static ObjectNode delta(ObjectMapper mapper) {
        return mapper.createObjectNode();
    }

    private static ObjectNode chunk(Completion completion, ObjectMapper mapper, ObjectNode delta, String finishReason) {
        ObjectNode chunk = base(completion, mapper);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private static ObjectNode base(Completion completion, ObjectMapper mapper) {
        return mapper.createObjectNode().put("id", completion.id()).put("object", "chat.completion.chunk")
                .put("created", completion.created()).put("model", completion.model());
    }
}
