package dev.llmc.gpunode.retrieval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads every {@code <name>.jsonl} in a directory as a corpus of {@code {"prompt","response"}} lines, rejecting anything malformed. */
public final class CorpusLoader {

    /** Expert names as the gateway accepts them. */
    static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

    private static final String EXTENSION = ".jsonl";

    private final ObjectMapper json = new ObjectMapper();

    /** Loads the corpora of {@code directory}, sorted by name. */
    public List<Corpus> load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new CorpusException("llmc.retrieval.corpus-dir " + directory.toAbsolutePath() + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(path -> path.getFileName().toString().endsWith(EXTENSION))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(path -> path.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new CorpusException("cannot list corpus directory " + directory.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return files.stream().map(this::loadFile).toList();
    }

    private Corpus loadFile(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - EXTENSION.length());
        if (!NAME.matcher(name).matches()) {
            throw new CorpusException("corpus file " + file + ": model name '" + name + "' does not match " + NAME.pattern());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CorpusException("cannot read corpus file " + file + ": " + e.getMessage(), e);
        }
        List<CorpusEntry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            // Blank lines (such as a trailing one) carry no exchange; everything else must be one.
            if (!lines.get(i).isBlank()) {
                entries.add(parseLine(file, i + 1, lines.get(i)));
            }
        }
        if (entries.isEmpty()) {
            throw new CorpusException("corpus file " + file + " has no entries");
        }
        return new Corpus(name, entries);
    }

    private CorpusEntry parseLine(Path file, int lineNumber, String line) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CorpusException(where(file, lineNumber) + "not valid JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw new CorpusException(where(file, lineNumber) + "expected a JSON object with \"prompt\" and \"response\"");
        }
        return new CorpusEntry(text(node, "prompt", file, lineNumber), text(node, "response", file, lineNumber));
    }

    private static String text(JsonNode node, String field, Path file, int lineNumber) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new CorpusException(where(file, lineNumber) + "\"" + field + "\" must be a non-blank string");
        }
        return value.textValue();
    }

    private static String where(Path file, int lineNumber) {
        return "corpus file " + file + " line " + lineNumber + ": ";
    }
}
