package io.weft.api;

/** Names an operator by where the user called it, e.g. {@code map at WordCount.java:31}. */
final class CallSites {

    private CallSites() {
    }

    static String of(String operator) {
        for (StackTraceElement frame : Thread.currentThread().getStackTrace()) {
            String cls = frame.getClassName();
            if (!cls.startsWith("io.weft.api.") && !cls.startsWith("java.") && !cls.startsWith("jdk.")) {
                return operator + " at " + frame.getFileName() + ":" + frame.getLineNumber();
            }
        }
        return operator;
    }
}
