package dev.llmc.gpunode.replay;

import dev.llmc.gpunode.retrieval.Completion;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.matrix.ExpertNames;
import dev.llmc.model.matrix.RoutingMatrixLoader;
import io.micronaut.context.annotation.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replay experts: one per model of a routing matrix ({@code llmc.replay.data-dir}), each answering a known prompt with
 * that model's recorded response, so the whole system can run on real models' real answers without running them.
 * Model names the registry would refuse are served under {@link ExpertNames mapped names}, logged as a table at
 * start-up. A matrix without {@code responses.jsonl} answers every known prompt with a neutral placeholder.
 */
@Context // A malformed data directory must stop the node at start-up, not surface on the first chat request.
public class ReplayExperts {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayExperts.class);

    private final MiniLmTokenizer tokenizer;
    private final Path directory;
    /** Expert name → model index. */
    private final Map<String, Integer> experts = new LinkedHashMap<>();
    private final List<String> models;
    /** Normalised prompt text → prompt index. */
    private final Map<String, Integer> prompts = new HashMap<>();
    private final List<String> promptIds;
    /** [model][prompt] UTF-8 response (half the memory of a String for non-Latin text), null when not recorded; null without a responses file. */
    private final byte[][][] responses;

    ReplayExperts(ReplayConfig config, MiniLmTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        Optional<Path> dir = config.dataDirectory();
        if (dir.isEmpty()) {
            directory = null;
            models = List.of();
            promptIds = List.of();
            responses = null;
            return;
        }
        directory = dir.get();
        long started = System.nanoTime();
        // CPU time as well as wall time: on a shared machine the wall time says more about the neighbours.
        long startedCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        Map<String, String> byId = RoutingMatrixLoader.prompts(directory);
        promptIds = List.copyOf(byId.keySet());
        Map<String, Integer> promptIndex = new HashMap<>();
        for (String id : promptIds) {
            promptIndex.put(id, promptIndex.size());
            prompts.putIfAbsent(normalise(byId.get(id)), promptIndex.get(id));
        }
        models = RoutingMatrixLoader.allModels(directory);
        Map<String, String> names = ExpertNames.map(models);
        Map<String, Integer> modelIndex = new HashMap<>();
        for (String model : models) {
            modelIndex.put(model, modelIndex.size());
            experts.put(names.get(model), modelIndex.get(model));
        }
        Path responsesFile = directory.resolve("responses.jsonl");
        if (Files.isRegularFile(responsesFile)) {
            responses = new byte[models.size()][promptIds.size()][];
            RoutingMatrixLoader.forEachJsonLine(responsesFile, row -> {
                Integer model = modelIndex.get(row.get("model").getAsString());
                Integer prompt = promptIndex.get(row.get("prompt_id").getAsString());
                if (model != null && prompt != null) {
                    responses[model][prompt] = row.get("response").getAsString().getBytes(StandardCharsets.UTF_8);
                }
            });
        } else {
            responses = null;
        }
        LOG.info("Replay experts from {}: {} models x {} prompts, {}, loaded in {} ms ({} ms CPU); expert names:\n{}", directory,
                models.size(), promptIds.size(), responses == null ? "no response texts (placeholder replies)" : "recorded responses",
                (System.nanoTime() - started) / 1_000_000,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - startedCpu) / 1_000_000, ExpertNames.table(names));
    }

    /** The expert names served, in the matrix's model order. */
    public List<String> names() {
        return List.copyOf(experts.keySet());
    }

    public boolean serves(String expert) {
        return experts.containsKey(expert);
    }

    /**
     * The recorded answer of the expert's model to the conversation's last user message, matched exactly up to
     * whitespace.
     *
     * @throws PromptNotFoundException when the prompt is not in the matrix, or this model has no answer recorded for it
     */
    public Completion complete(String expert, List<ChatTurn> conversation) {
        int model = experts.get(expert);
        String question = conversation.reversed().stream().filter(turn -> turn.role().equals("user"))
                .map(ChatTurn::text).findFirst().orElse("");
        Integer prompt = prompts.get(normalise(question));
        if (prompt == null) {
            throw new PromptNotFoundException("no recorded response for this prompt: the replay expert '" + expert
                    + "' answers only the " + promptIds.size() + " prompts of " + directory
                    + " (the last user message must equal one of them, whitespace aside)");
        }
        String answer;
        if (responses == null) {
            answer = "This is the recorded answer of " + models.get(model) + " to prompt " + promptIds.get(prompt)
                    + " (the matrix has labels but no response texts).";
        } else if (responses[model][prompt] == null) {
            throw new PromptNotFoundException("the replay expert '" + expert + "' has no recorded response for prompt "
                    + promptIds.get(prompt) + " of " + directory);
        } else {
            answer = new String(responses[model][prompt], StandardCharsets.UTF_8);
        }
        return Completion.answer(expert, answer, conversation, tokenizer);
    }

    /** Whitespace runs count as one space and the ends are trimmed; nothing else is forgiven. */
    static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
