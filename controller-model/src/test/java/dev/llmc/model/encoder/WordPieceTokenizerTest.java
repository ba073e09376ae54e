package dev.llmc.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plain-Java tokenizer against HuggingFace tokenizers (DJL's binding), id for id and start for start. */
class WordPieceTokenizerTest {

    /** The shared evaluation data beside the repository (as {@code llmc-tools simulate} finds it); absent on CI. */
    private static final Path SHARED_DATA = Path.of(System.getProperty("user.dir"), "..", "..", "shared", "data").normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static WordPieceTokenizer tokenizer;
    private static HuggingFaceTokenizer reference;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(MiniLmTokenizer.RESOURCE)) {
            tokenizer = WordPieceTokenizer.read(in);
        }
        System.getProperties().putIfAbsent("ai.djl.offline", "true");
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(MiniLmTokenizer.RESOURCE)) {
            reference = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        }
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    @Test
    void matchesHuggingFaceOnEdgeCases() {
        List<String> texts = List.of(
                "", " ", "   \t\n  ", "\n", "a", "The cat sat on the mat.",
                "Café résumé naïve coöperate Ångström façade — “quoted” ‘single’ …",
                "ÀÁÂÃÄÅ àáâãäå ÇçÑñ ß ẞ İstanbul ǅ Σίσυφος ΣΊΣΥΦΟΣ ﬁne ﬃ Ⅻ ①②③ ｆｕｌｌｗｉｄｔｈ",
                "e\u0301 a\u0300\u0316 o\u0308\u0304 q\u0323\u0307 \u0301lonely mark",
                "Emoji 😀😃👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️ ✨ 🥰 🫠 🧑‍💻 text😀inside",
                "中文分词测试：你好，世界！ 日本語のテキスト、カタカナ ひらがな 한국어 텍스트 漢字𠀀𪜀 豈更",
                "control\u0000chars\u0001here\u0007\u001b[0m\u007f and \u200bzero\u200dwidth\ufeff bom \ufffd replacement",
                "tabs\tand\u000bvertical\u000cfeed\u0085next\u00a0nbsp\u2003em\u3000ideographic\u2028line\u2029para",
                "supercalifragilisticexpialidocious " + "x".repeat(100) + " " + "y".repeat(101) + " " + "é".repeat(101)
                        + " " + "😀".repeat(60) + " " + "ab".repeat(60),
                "https://example.com/path/to/page?query=value&other=1#fragment user@example.org www.test.io:8080",
                "public static void main(String[] args) { System.out.println(\"x\" + i++); } // comment",
                "def f(x):\n    return x ** 2  # square\n\nprint([f(i) for i in range(10)])",
                "$100.50 + 20% = ~$120 @noon #hashtag ^caret `code` {braces} |pipe| \\backslash\\ <tag/>",
                "[CLS] [SEP] [PAD] [MASK] [UNK] hello[SEP]world [cls] [ SEP] [[SEP]] [SE",
                "Ünïcödé ÜBER Straße ΑΒΓ αβγ Ωmega КИРИЛЛИЦА кириллица ქართული עברית العربية हिन्दी ไทย",
                "\u0f71\u0f72 \u1d165\u1d16d \ud834\udd65\ud834\udd6d\ud834\udd65 \u302e\u302f 각\u302e",
                "don't won't it's I'm O'Neil rock'n'roll 3.14159 1,000,000 1e-10 -5 +7 a-b a_b a.b",
                "ＡＢＣ ＃１ ﹏ ︵ ‐‑‒–—― ‖ † ‡ • ‣ ′ ″ ‴ ‹ › « » ¡ ¿ § ¶ · ¤ ¢ £ ¥ € ₹ ₽ © ® ™ ° ± × ÷",
                "word\r\nwindows\r\nlines and   multiple    spaces   ");
        for (String text : texts) {
            assertSame(text);
        }
    }

    /**
     * Every code point (surrogates excepted) between two letters, 400 to a text: what is dropped, split off, kept,
     * decomposed or lower-cased must agree with HuggingFace's tables, not only with the JDK's.
     */
    @Test
    void matchesHuggingFaceOnEveryCodePoint() {
        List<Integer> mismatches = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<Integer> batch = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            batch.add(cp);
            text.append('a').appendCodePoint(cp).append("b ");
            if (batch.size() == 400 || cp == Character.MAX_CODE_POINT) {
                if (!same(text.toString())) {
                    for (int single : batch) {
                        if (!same("a" + Character.toString(single) + "b")) {
                            mismatches.add(single);
                        }
                    }
                }
                batch.clear();
                text.setLength(0);
            }
        }
        assertEquals(List.of(), mismatches.stream().limit(200).map(Integer::toHexString).toList(),
                mismatches.size() + " code points tokenize differently");
    }

    @Test
    void matchesHuggingFaceOnSharedEvaluationTexts() throws IOException {
        assumeTrue(Files.isDirectory(SHARED_DATA), "no shared data at " + SHARED_DATA);
        int compared = 0;
        for (Path file : List.of(SHARED_DATA.resolve("alpaca_eval/prompts.jsonl"), SHARED_DATA.resolve("routellm_mmlu/prompts.jsonl"),
                SHARED_DATA.resolve("alpaca_eval/responses.jsonl"))) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            // Every prompt; every tenth response (31,000 long answers would take minutes for little more coverage).
            int step = file.endsWith("responses.jsonl") ? 10 : 1;
            for (int i = 0; i < lines.size(); i += step) {
                JsonNode record = JSON.readTree(lines.get(i));
                assertSame(record.has("prompt") ? record.get("prompt").asText() : record.get("response").asText());
                compared++;
            }
        }
        assertTrue(compared > 1000, "only " + compared + " texts compared");
    }

    @Test
    void refusesATokenizerItDoesNotImplement() {
        String cased = "{\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
                + "\"strip_accents\":null,\"lowercase\":false},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
                + "\"model\":{\"type\":\"WordPiece\",\"continuing_subword_prefix\":\"##\",\"unk_token\":\"[UNK]\",\"vocab\":{\"[UNK]\":0}}}";

        assertThrows(IllegalStateException.class,
                () -> WordPieceTokenizer.read(new ByteArrayInputStream(cased.getBytes(StandardCharsets.UTF_8))));
    }

    private static void assertSame(String text) {
        Encoding expected = reference.encode(text, false, false);
        WordPieceTokenizer.Tokens actual = tokenizer.tokenize(text);
        assertEquals(Arrays.toString(expected.getIds()), Arrays.toString(Arrays.stream(actual.ids()).asLongStream().toArray()),
                () -> "ids of " + text);
        assertEquals(Arrays.toString(starts(text, expected)), Arrays.toString(actual.starts()), () -> "starts of " + text);
    }

    private static boolean same(String text) {
        long[] expected = reference.encode(text, false, false).getIds();
        return Arrays.equals(expected, Arrays.stream(tokenizer.tokenize(text).ids()).asLongStream().toArray());
    }

    /** HuggingFace's spans count code points; the tokenizer's starts are UTF-16 indices. */
    private static int[] starts(String text, Encoding encoding) {
        int[] utf16Index = new int[text.codePointCount(0, text.length()) + 1];
        for (int i = 0, cp = 0; i < text.length(); i += Character.charCount(text.codePointAt(i)), cp++) {
            utf16Index[cp + 1] = i + Character.charCount(text.codePointAt(i));
        }
        return Arrays.stream(encoding.getCharTokenSpans()).mapToInt(span -> utf16Index[span.getStart()]).toArray();
    }
}
