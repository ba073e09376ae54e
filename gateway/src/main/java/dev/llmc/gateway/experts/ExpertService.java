package dev.llmc.gateway.experts;

import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.ExpertDraft;
import dev.llmc.registry.ExpertDraftValidator;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Registers experts with a content-based feature vector: until a trained controller exists,
 * θ_m = e(description), the same encoder that embeds conversations.
 */
@Singleton
public final class ExpertService {
    private final ExpertCatalog catalog;
    private final SentenceEncoder encoder;

    ExpertService(ExpertCatalog catalog, SentenceEncoder encoder) {
        this.catalog = catalog;
        this.encoder = encoder;
    }

    public Expert register(ExpertDraft draft, String owner) {
        // Validate before encoding: a bad request should not cost an encoder call.
        ExpertDraft valid = ExpertDraftValidator.validate(draft);
        return catalog.register(valid, owner, encoder.embed(valid.description()));
    }

    public List<Expert> list() {
        return catalog.list();
    }

    public Expert get(String id) {
        return catalog.get(id);
    }

    public void remove(String id) {
        catalog.remove(id);
    }
}
