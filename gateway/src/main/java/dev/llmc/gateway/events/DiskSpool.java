package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.EventCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The last resort when neither PostgreSQL nor Redis takes a batch: one fsynced file per batch, written under a
 * temporary name and renamed, so a crash leaves either a whole batch or none; replayed oldest first.
 */
final class DiskSpool {
    private static final String SUFFIX = ".events";
    private final Path dir;
    private final AtomicLong sequence = new AtomicLong();

    DiskSpool(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the event spool directory " + dir, e);
        }
    }

    Path dir() {
        return dir;
    }

    synchronized void write(List<? extends Event> batch) throws IOException {
        String name = String.format("%015d-%09d", System.currentTimeMillis(), sequence.incrementAndGet());
        Path temporary = dir.resolve(name + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(EventCodec.encode(batch).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temporary, dir.resolve(name + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // A half-written file (disk full, say) would otherwise stay forever: replay only reads whole batches.
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Spooled batch files, oldest first. */
    List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(path -> path.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    static List<Event> read(Path file) throws IOException {
        return EventCodec.decode(Files.readString(file, StandardCharsets.UTF_8));
    }
}
