package dev.llmc.gpunode.retrieval;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RetrievalStartupIT {

    @TempDir
    Path dir;

    @Test
    void startupFailsWhenACorpusLineIsInvalid() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), "{\"prompt\":\"p\",\"response\":\"r\"}\nnot json\n");

        RuntimeException e = assertThrows(RuntimeException.class, () -> ApplicationContext.run(
                Map.of("llmc.retrieval.corpus-dir", dir.toString()), Environment.TEST).close());

        assertTrue(rootCause(e) instanceof CorpusException, e::toString);
        assertTrue(rootCause(e).getMessage().contains("cooking.jsonl line 2"), rootCause(e).getMessage());
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
