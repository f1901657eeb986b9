package io.weft.api;

/**
 * Rethrows a checked exception from a method that does not declare it, unchanged and unwrapped. The functional
 * interfaces' {@code call} methods may throw checked exceptions (as Spark's do); their {@code java.util.function}
 * faces rethrow them this way, so a task fails with the user's own exception as its cause.
 */
final class Sneaky {

    private Sneaky() {
    }

    /**
     * @param e the exception to rethrow as it is
     * @return never returns; declared so callers can write {@code throw Sneaky.rethrow(e)}
     */
    static RuntimeException rethrow(Exception e) {
        return Sneaky.<RuntimeException>doThrow(e);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E doThrow(Exception e) throws E {
        throw (E) e;
    }
}
