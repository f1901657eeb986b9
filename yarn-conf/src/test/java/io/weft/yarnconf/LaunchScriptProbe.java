package io.weft.yarnconf;

/**
 * The JVM {@link LaunchScriptTest} starts through the launch script: it says it ran, and from which class path;
 * then, as its arguments ask, exits with a status or sleeps until it is stopped.
 */
public final class LaunchScriptProbe {

    private LaunchScriptProbe() {
    }

    /**
     * @param args none; {@code exit N}; or {@code sleep}
     * @throws InterruptedException never (nothing interrupts the main thread; the test stops the JVM)
     */
    public static void main(String[] args) throws InterruptedException {
        System.out.println("probe ran; class path " + System.getProperty("java.class.path"));
        if (args.length == 2 && args[0].equals("exit")) {
            System.exit(Integer.parseInt(args[1]));
        }
        if (args.length == 1 && args[0].equals("sleep")) {
            System.out.println("sleeping");
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await(); // until the test stops this JVM
        }
    }
}
