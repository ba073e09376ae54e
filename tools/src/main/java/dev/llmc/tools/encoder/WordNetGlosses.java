package dev.llmc.tools.encoder;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Definitions from the WordNet 3.0 database (Debian's {@code wordnet-base}: {@code /usr/share/wordnet}) as
 * distillation texts, one per synset: "its words: its gloss", e.g. "antibacterial, bactericide: any drug that destroys
 * bacteria or inhibits their growth". They cover the vocabulary of every field (law, medicine, history, mathematics…)
 * that chat responses rarely use, so more tokens get a fitted vector instead of their single-token one.
 */
final class WordNetGlosses {

    private static final List<String> PARTS_OF_SPEECH = List.of("noun", "verb", "adj", "adv");

    private WordNetGlosses() {
    }

    /** Texts of at least minChars characters, distinct, a seeded sample of count in a seeded order. */
    static List<String> read(Path directory, int count, long seed, int minChars) throws IOException {
        Set<String> distinct = new LinkedHashSet<>();
        for (String part : PARTS_OF_SPEECH) {
            // The database files are Latin-1 (a few words carry accents).
            try (BufferedReader reader = Files.newBufferedReader(directory.resolve("data." + part), StandardCharsets.ISO_8859_1)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String text = text(line);
                    if (text != null && text.length() >= minChars) {
                        distinct.add(text);
                    }
                }
            }
        }
        List<String> all = new ArrayList<>(distinct);
        Collections.shuffle(all, new Random(seed));
        return all.subList(0, Math.min(count, all.size()));
    }

    /**
     * One data line ({@code offset lex_filenum ss_type w_cnt word lex_id [word lex_id…] … | gloss}, w_cnt in hex) as
     * "word, word: gloss"; null for the licence header (lines starting with two spaces).
     */
    static String text(String line) {
        int bar = line.indexOf(" | ");
        if (line.startsWith("  ") || bar < 0) {
            return null;
        }
        String[] fields = line.substring(0, bar).split(" ");
        int words = Integer.parseInt(fields[3], 16);
        Set<String> lemmas = new LinkedHashSet<>();
        for (int i = 0; i < words; i++) {
            String word = fields[4 + 2 * i].replace('_', ' ');
            int marker = word.indexOf('('); // adjective position markers such as "(a)"
            lemmas.add(marker >= 0 ? word.substring(0, marker) : word);
        }
        return String.join(", ", lemmas) + ": " + line.substring(bar + 3).strip();
    }
}
