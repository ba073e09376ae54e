package dev.llmc.tools.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordNetGlossesTest {

    private static final String LICENCE = "  1 This software and database is being provided to you, the LICENSEE, by  \n";
    private static final String DRUG = "02735123 06 n 03 antibacterial 0 antibacterial_drug 0 bactericide 0 001 @ 02735000 n 0000"
            + " | any drug that destroys bacteria or inhibits their growth  \n";
    private static final String INTELLIGENCE = "00982852 04 n 02 signals_intelligence 0 SIGINT 0 004 @ 00981830 n 0000"
            + " | intelligence information gathered from communications intelligence or electronics intelligence  \n";
    private static final String SHORT = "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived  \n";
    private static final String ADJECTIVE = "00001740 00 a 01 able(p) 0 005 = 05207437 n 0000"
            + " | (usually followed by `to') having the necessary means or skill to do something  \n";

    @Test
    void aSynsetBecomesItsWordsAndItsGloss() {
        assertEquals("antibacterial, antibacterial drug, bactericide: any drug that destroys bacteria or inhibits their growth",
                WordNetGlosses.text(DRUG));
        assertEquals("able: (usually followed by `to') having the necessary means or skill to do something",
                WordNetGlosses.text(ADJECTIVE));
        assertNull(WordNetGlosses.text(LICENCE));
    }

    @Test
    void readsEveryPartOfSpeechSkipsShortTextsAndSamplesBySeed(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("data.noun"), LICENCE + DRUG + INTELLIGENCE + SHORT, StandardCharsets.ISO_8859_1);
        Files.writeString(directory.resolve("data.verb"), LICENCE, StandardCharsets.ISO_8859_1);
        Files.writeString(directory.resolve("data.adj"), ADJECTIVE, StandardCharsets.ISO_8859_1);
        Files.writeString(directory.resolve("data.adv"), "", StandardCharsets.ISO_8859_1);

        List<String> all = WordNetGlosses.read(directory, 10, 1, 40);
        List<String> two = WordNetGlosses.read(directory, 2, 1, 40);

        assertEquals(Set.of(WordNetGlosses.text(DRUG), WordNetGlosses.text(INTELLIGENCE), WordNetGlosses.text(ADJECTIVE)),
                new TreeSet<>(all));
        assertEquals(all.subList(0, 2), two);
        assertEquals(all, WordNetGlosses.read(directory, 10, 1, 40));
    }
}
