package dev.llmc.gpunode.replay;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Replay-expert settings under {@code llmc.replay}.
 *
 * @param dataDir a routing-matrix directory ({@code prompts.jsonl}, {@code labels.jsonl}, optionally
 *                {@code responses.jsonl}) whose every model becomes a replay expert; unset means none
 */
@ConfigurationProperties("llmc.replay")
public record ReplayConfig(@Nullable String dataDir) {

    Optional<Path> dataDirectory() {
        return Optional.ofNullable(dataDir).filter(dir -> !dir.isBlank()).map(Path::of);
    }
}
