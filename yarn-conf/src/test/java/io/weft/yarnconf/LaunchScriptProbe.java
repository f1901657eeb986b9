package io.weft.yarnconf;

/** The JVM {@link LaunchScriptTest} starts through the launch script: it says it ran, and from which class path. */
public final class LaunchScriptProbe {

    private LaunchScriptProbe() {
    }

    /**
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println("probe ran; class path " + System.getProperty("java.class.path"));
    }
}
