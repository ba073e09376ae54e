package dev.llmc.gpunode.retrieval;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Retrieval-expert settings under {@code llmc.retrieval}.
 *
 * @param corpusDir directory whose {@code <name>.jsonl} files each become a model named {@code <name>}; unset means no models
 */
@ConfigurationProperties("llmc.retrieval")
public record RetrievalConfig(@Nullable String corpusDir) {

    Optional<Path> corpusDirectory() {
        return Optional.ofNullable(corpusDir).filter(dir -> !dir.isBlank()).map(Path::of);
    }
}
