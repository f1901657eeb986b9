package io.weft.am.session;

import io.weft.am.kerberos.KerberosLogin;
import io.weft.am.submit.ApplicationStates;
import io.weft.am.submit.ResourceManagerConnection;
import io.weft.am.submit.SubmitCommand;
import io.weft.api.WeftException;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.ApplicationDirs;
import io.weft.yarnconf.HadoopConfigurations;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code WeftSubmit}'s long-running session commands:
 * <ul>
 *   <li>{@code --start-session [--name N] [--num-executors ...] [--conf k=v ...]} submits a session application
 *       ({@link SessionMain} in a cluster-mode ApplicationMaster), waits until it has published its endpoint (or
 *       ended), and prints its application id as the last line;</li>
 *   <li>{@code --session <id> [--jars a,b] --class Main app.jar [args]} runs {@code Main} in this JVM, in a class
 *       loader over {@code app.jar} and the jars, with master {@code weft-session://<id>}: its jobs run on the
 *       session's executors, and the jars travel with them ({@link SessionJars});</li>
 *   <li>{@code --stop-session <id>} asks the session to end by creating {@value SessionMain#STOP_FILE} in its
 *       staging directory (only its owner can); the session then ends like an idle one: its jobs are cancelled, its
 *       staging and shuffle directories deleted, and it unregisters SUCCEEDED. The command waits for that.</li>
 * </ul>
 * Runs on the caller's thread.
 */
@Command(name = "WeftSubmit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Starts, uses and stops a long-running Weft session on YARN.")
public final class SessionCommand implements Callable<Integer> {

    /** How long {@code --stop-session} waits for the session to end before killing the application. */
    private static final long STOP_WAIT_MILLIS = 60_000;
    private static final long POLL_MILLIS = 200;

    static final class Action {
        @Option(names = "--start-session", required = true, description = "Start a session; prints its id")
        boolean start;

        @Option(names = "--session", required = true, paramLabel = "ID",
                description = "Run a program attached to session ID")
        String attach;

        @Option(names = "--stop-session", required = true, paramLabel = "ID", description = "End session ID")
        String stop;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Option(names = "--name", description = "--start-session: the application's name (default weft-session)")
    String name;

    @Option(names = "--queue", description = "--start-session: YARN queue")
    String queue;

    @Option(names = "--num-executors", description = "--start-session: executor containers")
    Integer numExecutors;

    @Option(names = "--executor-memory", description = "--start-session: executor heap, e.g. 2g")
    String executorMemory;

    @Option(names = "--executor-cores", description = "--start-session: cores per executor")
    Integer executorCores;

    @Option(names = "--driver-memory", description = "--start-session: the session's ApplicationMaster heap")
    String driverMemory;

    @Option(names = "--jars", paramLabel = "JARS", description = "--session: comma-separated local jars for the"
            + " program's class loader, shipped to the session with app.jar")
    String jars;

    @Option(names = "--class", paramLabel = "MAIN", description = "--session: the program's main class")
    String mainClass;

    @Option(names = "--conf", description = "A weft.* setting, key=value (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP_JAR", description = "--session: the program's jar")
    String appJar;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "--session: the program's arguments")
    List<String> args = new ArrayList<>();

    private final PrintStream out;
    private final Map<String, String> environment;

    SessionCommand(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    /**
     * @param args the command line
     * @return whether it is a session command ({@code --start-session}, {@code --session}, {@code --stop-session}
     *     among the options, before the first word that is neither an option nor an option's value)
     */
    public static boolean isSessionCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--start-session") || arg.equals("--session") || arg.equals("--stop-session")
                    || arg.startsWith("--session=") || arg.startsWith("--stop-session=")) {
                return true;
            }
            boolean option = arg.startsWith("-");
            boolean valueOfOption = i > 0 && args[i - 1].startsWith("--") && !args[i - 1].contains("=");
            if (!option && !valueOfOption) {
                return false;
            }
        }
        return false;
    }

    /**
     * @param args see --help
     * @param out where to print
     * @param environment the process environment (HADOOP_CONF_DIR, YARN_CONF_DIR)
     * @return the exit code: 0 when the session started, the program succeeded, or the session ended
     */
    public static int run(String[] args, PrintStream out, Map<String, String> environment) {
        CommandLine command = new CommandLine(new SessionCommand(out, environment));
        command.setStopAtPositional(true);
        command.setOut(new java.io.PrintWriter(out, true));
        command.setErr(new java.io.PrintWriter(out, true));
        command.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof WeftException) {
                out.println("Error: " + e.getMessage());
            } else {
                e.printStackTrace(out);
            }
            return 1;
        });
        return command.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (action.start) {
            return start();
        }
        if (action.attach != null) {
            return attach();
        }
        return stop();
    }

    private int start() throws Exception {
        List<String> submit = new ArrayList<>(List.of("--name", name != null ? name : "weft-session"));
        add(submit, "--queue", queue);
        add(submit, "--num-executors", numExecutors);
        add(submit, "--executor-memory", executorMemory);
        add(submit, "--executor-cores", executorCores);
        add(submit, "--driver-memory", driverMemory);
        conf.forEach((k, v) -> submit.addAll(List.of("--conf", k + "=" + v)));
        submit.addAll(List.of("--conf", YarnConfigKeys.WAIT_APP_COMPLETION.name() + "=false",
                "--conf", SessionMain.SCHEDULER_MODE + "=FAIR", SessionMain.class.getName()));
        SubmitCommand command = new SubmitCommand(out, environment);
        int code = SubmitCommand.execute(command, submit.toArray(new String[0]));
        if (code != 0 || command.submittedApplication().isEmpty()) {
            return code != 0 ? code : 1;
        }
        ApplicationId appId = command.submittedApplication().get();
        WeftConf validated = WeftConf.validate(conf);
        YarnConfiguration yarn = HadoopConfigurations.load(validated, environment);
        return asLogin(validated, yarn, () -> awaitReady(appId, validated, yarn));
    }

    /** Runs {@code work} as the Kerberos login on a secure cluster (as {@link SubmitCommand} submits). */
    private static int asLogin(WeftConf conf, YarnConfiguration yarn, PrivilegedExceptionAction<Integer> work)
            throws Exception {
        Optional<UserGroupInformation> login = KerberosLogin.login(conf, yarn, false);
        return login.isPresent() ? login.get().doAs(work) : work.run();
    }

    private int awaitReady(ApplicationId appId, WeftConf validated, YarnConfiguration yarn) throws Exception {
        FileSystem fs = FileSystem.get(yarn);
        Path endpoint = new Path(new Path(ApplicationDirs.stagingRoot(validated, fs), appId.toString()),
                SessionMain.ENDPOINT_FILE);
        YarnClient client = ResourceManagerConnection.open(yarn, validated, environment, line -> { });
        try {
            YarnApplicationState last = null;
            while (!fs.exists(endpoint)) {
                ApplicationReport report = client.getApplicationReport(appId);
                if (report.getYarnApplicationState() != last) {
                    last = report.getYarnApplicationState();
                    out.println("Session " + appId + " is " + last);
                }
                if (ApplicationStates.isTerminal(last)) {
                    out.println("The session ended before it was ready: " + report.getFinalApplicationStatus());
                    out.println("Diagnostics: " + report.getDiagnostics());
                    out.println("Logs: yarn logs -applicationId " + appId);
                    return 1;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } finally {
            client.stop();
        }
        out.println("Session ready. Attach with master(\"" + SessionEngineFactory.SCHEME + appId
                + "\") or WeftSubmit --session " + appId + "; stop with WeftSubmit --stop-session " + appId + ":");
        out.println(appId);
        return 0;
    }

    private int attach() throws Exception {
        if (mainClass == null || appJar == null) {
            throw new WeftException("--session needs --class MAIN and the program's jar: WeftSubmit --session "
                    + action.attach + " [--jars a.jar,b.jar] --class com.example.Main app.jar [args]");
        }
        List<URL> urls = new ArrayList<>();
        List<String> files = new ArrayList<>(List.of(appJar));
        if (jars != null && !jars.isBlank()) {
            files.addAll(List.of(jars.split(",")));
        }
        for (String file : files) {
            File local = new File(file.trim());
            if (!local.isFile()) {
                throw new WeftException("Jar not found: " + local + ". Fix: correct the program's jar or --jars"
                        + " (local files).");
            }
            urls.add(local.getAbsoluteFile().toURI().toURL());
        }
        Map<String, String> settings = new LinkedHashMap<>(conf);
        settings.put(ConfigKeys.MASTER.name(), SessionEngineFactory.SCHEME + action.attach);
        Map<String, String> previous = new LinkedHashMap<>();
        settings.forEach((k, v) -> previous.put(k, System.getProperty(k)));
        Thread thread = Thread.currentThread();
        ClassLoader parent = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), parent)) {
            // The program's session reads its master and settings from system properties, as in client mode.
            settings.forEach(System::setProperty);
            thread.setContextClassLoader(loader);
            Class.forName(mainClass, true, loader).getMethod("main", String[].class)
                    .invoke(null, (Object) args.toArray(new String[0]));
            return 0;
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace(out);
            return 1;
        } catch (ReflectiveOperationException e) {
            out.println("Cannot run " + mainClass + " from " + files + ": " + e);
            return 1;
        } finally {
            thread.setContextClassLoader(parent);
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    private int stop() throws Exception {
        ApplicationId appId;
        try {
            appId = ApplicationId.fromString(action.stop);
        } catch (IllegalArgumentException e) {
            throw new WeftException("'" + action.stop + "' is not an application id (application_<ts>_<n>).", e);
        }
        WeftConf validated = WeftConf.validate(conf);
        YarnConfiguration yarn = HadoopConfigurations.load(validated, environment);
        return asLogin(validated, yarn, () -> stop(appId, validated, yarn));
    }

    private int stop(ApplicationId appId, WeftConf validated, YarnConfiguration yarn) throws Exception {
        FileSystem fs = FileSystem.get(yarn);
        Path staging = new Path(ApplicationDirs.stagingRoot(validated, fs), appId.toString());
        YarnClient client = ResourceManagerConnection.open(yarn, validated, environment, line -> { });
        try {
            ApplicationReport report = client.getApplicationReport(appId);
            if (ApplicationStates.isTerminal(report.getYarnApplicationState())) {
                out.println("Session " + appId + " has already ended: " + report.getFinalApplicationStatus());
                return 0;
            }
            if (!fs.exists(new Path(staging, SessionMain.ENDPOINT_FILE))) {
                throw new WeftException("Application " + appId + " has no session endpoint under " + staging
                        + ": it is not a session of yours, or it is still starting. Nothing was stopped.");
            }
            fs.create(new Path(staging, SessionMain.STOP_FILE), true).close();
            out.println("Asked session " + appId + " to stop; waiting for it to end");
            long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
            while (System.currentTimeMillis() < deadline) {
                report = client.getApplicationReport(appId);
                if (ApplicationStates.isTerminal(report.getYarnApplicationState())) {
                    out.println("Session " + appId + " ended: " + report.getFinalApplicationStatus() + " ("
                            + report.getDiagnostics().lines().findFirst().orElse("") + ")");
                    return 0;
                }
                Thread.sleep(POLL_MILLIS);
            }
            out.println("Session " + appId + " did not end within " + STOP_WAIT_MILLIS / 1000 + " s: killing it"
                    + " (its ApplicationMaster removes its files when YARN stops it; 'janitor' does otherwise)");
            client.killApplication(appId);
            return 1;
        } finally {
            client.stop();
        }
    }

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.addAll(List.of(option, value.toString()));
        }
    }
}
