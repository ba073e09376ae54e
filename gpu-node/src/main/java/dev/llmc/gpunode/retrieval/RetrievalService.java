package dev.llmc.gpunode.retrieval;

import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.SentenceEncoder;
import io.micronaut.context.annotation.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Serves the retrieval models: loads and embeds every corpus at start-up, then answers conversations by nearest prompt. */
@Context // Corpus errors must stop the node at start-up, not surface on the first chat request.
public class RetrievalService {

    private static final Logger LOG = LoggerFactory.getLogger(RetrievalService.class);

    private final ConversationEncoder conversationEncoder;
    private final MiniLmTokenizer tokenizer;
    private final long loadedAt;
    private final Map<String, RetrievalModel> models = new LinkedHashMap<>();

    RetrievalService(RetrievalConfig config, ConversationFormatter formatter, SentenceEncoder encoder,
                     ConversationEncoder conversationEncoder, MiniLmTokenizer tokenizer) {
        this.conversationEncoder = conversationEncoder;
        this.tokenizer = tokenizer;
        this.loadedAt = Instant.now().getEpochSecond();
        Optional<Path> directory = config.corpusDirectory();
        if (directory.isEmpty()) {
            LOG.info("llmc.retrieval.corpus-dir is not set: serving no retrieval models");
            return;
        }
        for (Corpus corpus : new CorpusLoader().load(directory.get())) {
            // Each prompt is embedded as a one-turn user conversation, so that it is comparable with e(C) of a request.
            List<String> formatted = corpus.entries().stream()
                    .map(entry -> formatter.format(List.of(new ChatTurn("user", entry.prompt()))))
                    .toList();
            models.put(corpus.name(), new RetrievalModel(corpus.entries(), encoder.embed(formatted)));
            LOG.info("Retrieval model {}: {} prompts", corpus.name(), corpus.entries().size());
        }
    }

    public boolean serves(String model) {
        return models.containsKey(model);
    }

    public List<ModelInfo> models() {
        return models.keySet().stream().map(name -> new ModelInfo(name, loadedAt)).toList();
    }

    /** Answers with the response of the stored prompt nearest to the conversation, by e(prompt) · e(C). */
    public Completion complete(String model, List<ChatTurn> conversation) {
        RetrievalModel retrieval = models.get(model);
        if (retrieval == null) {
            throw new ModelNotFoundException(model, models.keySet());
        }
        String answer = retrieval.nearest(conversationEncoder.encode(conversation)).response();
        return Completion.answer(model, answer, conversation, tokenizer);
    }
}
