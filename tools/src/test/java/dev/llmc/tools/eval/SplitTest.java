package dev.llmc.tools.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void trainAndTestAreDisjointAndCoverEveryPrompt() {
        Split split = Split.random(101, 0.7, 3);
        assertEquals(71, split.train().length);
        int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.test())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 101).toArray(), all);
    }

    @Test
    void sameSeedGivesSameSplitAndOtherSeedsDiffer() {
        assertArrayEquals(Split.random(200, 0.5, 7).train(), Split.random(200, 0.5, 7).train());
        assertFalse(Arrays.equals(Split.random(200, 0.5, 7).train(), Split.random(200, 0.5, 8).train()));
    }
}
