package dev.llmc.model.encoder;

/** The real tokenizer and encoder, loaded once per test JVM because loading the model takes a while. */
final class TestModels {

    static final int MAX_TOKENS = 128;
    static final MiniLmTokenizer TOKENIZER = MiniLmTokenizer.load();
    static final OnnxSentenceEncoder ENCODER = OnnxSentenceEncoder.load(TOKENIZER, MAX_TOKENS, 1);
    /** Two topics whose questions and descriptions every encoder must tell apart. */
    static final String COOKING_QUESTION = "How long should I knead bread dough?";
    static final String COOKING_DESCRIPTION = "Baking bread at home: mixing flour, water and yeast, kneading and proofing dough.";
    static final String PROGRAMMING_QUESTION = "Python traceback: KeyError in dict lookup";
    static final String PROGRAMMING_DESCRIPTION = "Debugging Python programs: exceptions, stack traces and dictionaries.";

    private TestModels() {
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
