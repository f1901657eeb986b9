package io.weft.runtime.shuffle;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random keys and values of the types shuffles carry: strings, longs, ints, nulls, lists, records. */
final class ShuffleTestData {

    /** A user record type, serialized by Kryo's generic path. */
    record Point(int x, String label) {
    }

    private ShuffleTestData() {
    }

    static Object randomKey(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> "k" + random.nextInt(500);
            case 2 -> (long) random.nextInt(1000) - 500;
            case 3 -> random.nextInt();
            case 4 -> List.of(random.nextInt(10), random.nextInt(10));
            default -> new Point(random.nextInt(100), "p" + random.nextInt(5));
        };
    }

    static Object randomValue(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> "v" + "x".repeat(random.nextInt(40));
            case 2 -> random.nextLong();
            case 3 -> random.nextInt();
            case 4 -> random.nextDouble();
            case 5 -> random.nextBoolean();
            case 6 -> new ArrayList<>(List.of("a", "b" + random.nextInt(9)));
            case 7 -> new Point(random.nextInt(), null);
            default -> "";
        };
    }
}
