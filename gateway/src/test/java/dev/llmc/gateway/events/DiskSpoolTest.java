package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DiskSpoolTest {
    @TempDir
    Path dir;

    private List<Path> everyFile() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFile() throws IOException {
        DiskSpool spool = new DiskSpool(dir);
        // An event the codec cannot encode fails the write after the temporary file was created.
        Event unknown = () -> "msg_1";

        assertThrows(IllegalArgumentException.class, () -> spool.write(List.of(unknown)));

        assertEquals(List.of(), everyFile());
    }

    @Test
    void aWrittenBatchIsReadBackWhole() throws IOException {
        DiskSpool spool = new DiskSpool(dir);
        List<Event> batch = List.of(new Signal("m\0", SignalType.RETRY, null, Instant.parse("2026-01-01T00:00:00Z")));

        spool.write(batch);

        assertEquals(1, spool.files().size());
        assertEquals(batch, DiskSpool.read(spool.files().get(0)));
        assertEquals(spool.files(), everyFile());
    }
}
