package io.weft.am.submit;

import io.weft.am.kerberos.AmCredentials;
import io.weft.am.kerberos.KerberosLogin;
import io.weft.am.master.ApplicationMaster;
import io.weft.am.master.StartupTimeline;
import io.weft.api.WeftException;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.yarnconf.ApplicationDirs;
import io.weft.yarnconf.HadoopConfigurations;
import io.weft.yarnconf.StagingLayout;
import io.weft.yarnconf.YarnConfigKeys;
import io.weft.yarnconf.YarnSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * Submits a Weft program to YARN: {@code yarn jar app.jar io.weft.am.WeftSubmit [options] <main class> [args]}.
 * Options follow spark-submit's names. In cluster mode (the default) the client stages the jars, submits an
 * {@link ApplicationMaster} that runs the program's {@code main} as the driver, prints the application id and
 * tracking URL, follows the application until it ends, and exits 0 only when it SUCCEEDED (otherwise 1, with
 * YARN's diagnostics and the driver's error). In client mode the program runs in this JVM.
 */
@Command(name = "WeftSubmit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a Weft program on YARN.",
            "Also: 'history <event log dir> [--port N]' serves finished applications' status pages;",
            "'janitor' deletes staging and shuffle directories of finished applications;",
            "'--start-session', '--session <id> --class <main> <jar>' and '--stop-session <id>' start, use and stop a",
            "long-running session ('--start-session --help')."})
public final class SubmitCommand implements Callable<Integer> {

    @Option(names = "--deploy-mode", description = "cluster (default: the driver runs in the ApplicationMaster) or"
            + " client (the driver runs here)")
    String deployMode;

    @Option(names = "--name", description = "Application name (default: the main class)")
    String name;

    @Option(names = "--queue", description = "YARN queue")
    String queue;

    @Option(names = "--num-executors", description = "Executor containers")
    Integer numExecutors;

    @Option(names = "--executor-memory", description = "Executor heap, e.g. 2g")
    String executorMemory;

    @Option(names = "--executor-cores", description = "Cores per executor")
    Integer executorCores;

    @Option(names = "--driver-memory", description = "ApplicationMaster heap in cluster mode, e.g. 1g")
    String driverMemory;

    @Option(names = "--principal", description = "Kerberos principal to log in as from --keytab"
            + " (weft.kerberos.principal)")
    String principal;

    @Option(names = "--keytab", description = "Keytab of --principal: the client logs in from it and, in cluster mode,"
            + " the ApplicationMaster too, to renew delegation tokens for as long as the application runs"
            + " (weft.kerberos.keytab)")
    String keytab;

    @Option(names = "--input", paramLabel = "PATH", description = "A path the program reads (repeatable; globs"
            + " allowed): checked to exist before anything is submitted")
    List<String> inputs = new ArrayList<>();

    // ---- shipping things with the job ----
    @Option(names = "--jars", paramLabel = "JARS", description = "Comma-separated jars (local paths or Hadoop URIs)"
            + " on the class path of the ApplicationMaster, the driver and every executor (weft.jars)")
    String jars;

    @Option(names = "--files", paramLabel = "FILES", description = "Comma-separated files, each path or path#name,"
            + " placed in every container's working directory; read them with WeftFiles.get(name) (weft.files)")
    String files;

    @Option(names = "--archives", paramLabel = "ARCHIVES", description = "Comma-separated .zip, .tar.gz, .tgz, .tar"
            + " or .jar archives, each path or path#dir, extracted into every container's working directory"
            + " (weft.archives)")
    String archives;

    @Option(names = "--conf", description = "A weft.* setting, key=value (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    @Parameters(index = "0", description = "The program's main class")
    String mainClass;

    @Parameters(index = "1..*", description = "The program's arguments")
    List<String> args = new ArrayList<>();

    private final PrintStream out;
    private final Map<String, String> environment;
    /** Cluster mode: the application submitted, once it is. */
    private volatile ApplicationId submittedApp;
    /** Cluster mode: this client's start (its JVM's), submission and end, and what the AM reports. */
    private final StartupTimeline timeline = new StartupTimeline();

    /** @param out where progress and results are printed */
    public SubmitCommand(PrintStream out) {
        this(out, System.getenv());
    }

    /**
     * @param out where progress and results are printed
     * @param environment the process environment, where HADOOP_CONF_DIR and YARN_CONF_DIR are looked up
     */
    public SubmitCommand(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    /**
     * Parses the options and submits (or, in client mode, runs) the program.
     *
     * @param args see --help
     * @param out where to print
     * @return the exit code: 0 only when the application succeeded
     */
    public static int run(String[] args, PrintStream out) {
        return run(args, out, System.getenv());
    }

    /**
     * @param args see --help
     * @param out where to print
     * @param environment the process environment, where HADOOP_CONF_DIR and YARN_CONF_DIR are looked up
     * @return the exit code: 0 only when the application succeeded
     */
    static int run(String[] args, PrintStream out, Map<String, String> environment) {
        return execute(new SubmitCommand(out, environment), args);
    }

    /**
     * Parses the options into {@code submit} and runs it; after a cluster-mode submission,
     * {@link #submittedApplication()} says which application it made.
     *
     * @param submit the command, printing where it was made to print
     * @param args see --help
     * @return the exit code: 0 only when the application succeeded (or, not waiting for it, was submitted)
     */
    public static int execute(SubmitCommand submit, String[] args) {
        PrintStream out = submit.out;
        CommandLine command = new CommandLine(submit);
        command.setStopAtPositional(true);
        // A Weft error is a message for the user: print it, not a stack trace.
        command.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof WeftException) {
                out.println("Error: " + e.getMessage());
                out.println("Nothing was submitted.");
            } else {
                e.printStackTrace(out);
            }
            return 1;
        });
        return command.execute(args);
    }

    /** @return the application a cluster-mode run submitted, if it got that far */
    public Optional<ApplicationId> submittedApplication() {
        return Optional.ofNullable(submittedApp);
    }

    Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>(conf);
        put(settings, YarnConfigKeys.DEPLOY_MODE.name(), deployMode);
        put(settings, YarnConfigKeys.QUEUE.name(), queue);
        put(settings, YarnConfigKeys.EXECUTOR_INSTANCES.name(), numExecutors);
        put(settings, YarnConfigKeys.EXECUTOR_MEMORY.name(), executorMemory);
        put(settings, YarnConfigKeys.EXECUTOR_CORES.name(), executorCores);
        put(settings, YarnConfigKeys.AM_MEMORY.name(), driverMemory);
        put(settings, ConfigKeys.JARS.name(), jars);
        put(settings, ConfigKeys.FILES.name(), files);
        put(settings, YarnConfigKeys.ARCHIVES.name(), archives);
        put(settings, YarnConfigKeys.KERBEROS_PRINCIPAL.name(), principal);
        put(settings, YarnConfigKeys.KERBEROS_KEYTAB.name(), keytab);
        settings.put(ConfigKeys.MASTER.name(), "yarn");
        return settings;
    }

    private static void put(Map<String, String> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value.toString());
        }
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = settings();
        WeftConf validated = WeftConf.validate(settings);
        YarnConfiguration hadoop = HadoopConfigurations.load(validated, environment);
        // On a Kerberos cluster: everything from here on runs as the ticket's or the keytab's user.
        Optional<UserGroupInformation> login = KerberosLogin.login(validated, hadoop, false);
        if (login.isPresent()) {
            return login.get().doAs((PrivilegedExceptionAction<Integer>) () -> proceed(settings, validated, hadoop));
        }
        return proceed(settings, validated, hadoop);
    }

    private int proceed(Map<String, String> settings, WeftConf validated, YarnConfiguration hadoop)
            throws Exception {
        List<String> missing = InputPaths.missing(inputs, hadoop);
        if (!missing.isEmpty()) {
            for (String path : missing) {
                out.println("Input path does not exist: " + path);
            }
            out.println("Nothing was submitted. Fix: create the input, or correct the path given to --input and"
                    + " to the program.");
            return 1;
        }
        List<String> notShipped = ShippedResources.missing(validated, hadoop);
        if (!notShipped.isEmpty()) {
            for (String path : notShipped) {
                out.println("File to ship does not exist: " + path);
            }
            out.println("Nothing was submitted. Fix: correct the path given to --jars, --files or --archives.");
            return 1;
        }
        if (YarnSettings.from(validated).deployMode().equals("client")) {
            Thread.currentThread().setContextClassLoader(ShippedResources.driverClassLoader(validated, hadoop,
                    Thread.currentThread().getContextClassLoader()));
            return runHere(settings);
        }
        return submit(validated);
    }

    /** Client mode: the program runs in this JVM; its session reads the settings from system properties. */
    private int runHere(Map<String, String> settings) {
        settings.forEach(System::setProperty);
        try {
            Class.forName(mainClass, true, Thread.currentThread().getContextClassLoader())
                    .getMethod("main", String[].class).invoke(null, (Object) args.toArray(new String[0]));
            return 0;
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace(out);
            return 1;
        } catch (ReflectiveOperationException e) {
            out.println("Cannot run " + mainClass + ": " + e);
            return 1;
        }
    }

    private int submit(WeftConf conf) throws Exception {
        timeline.mark(StartupTimeline.Phase.CLIENT_START,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        YarnSettings settings = YarnSettings.from(conf);
        YarnConfiguration yarn = HadoopConfigurations.load(conf, environment);
        // The HDFS client's start (mostly a cold JVM's class loading) overlaps the ResourceManager's connection
        // and the new application call.
        InBackground<FileSystem> fileSystem = InBackground.start("weft-hdfs-client", () -> FileSystem.get(yarn));
        // So does the choice of jars to stage: local jar scans that need neither the application's id nor HDFS.
        InBackground<ChosenJars> jarChoice = InBackground.start("weft-choosing-jars",
                () -> ChosenJars.choose(mainClass, conf, yarn, environment));
        YarnClient client = ResourceManagerConnection.open(yarn, conf, environment, out::println);
        timeline.mark(StartupTimeline.Phase.CLIENT_READY);
        Path stagingDir = null;
        boolean submitted = false;
        boolean ended = false;
        StagingSteps steps = new StagingSteps();
        YarnClientApplication application;
        FileSystem fs;
        try {
            application = client.createApplication();
            steps.done("new application");
            fs = fileSystem.join();
            steps.done("file system");
        } catch (IOException | org.apache.hadoop.yarn.exceptions.YarnException | RuntimeException
                | InterruptedException e) {
            client.stop();
            throw e;
        }
        try {
            YarnEngineFactory.checkFits(settings, application.getNewApplicationResponse()
                    .getMaximumResourceCapability());
            // The queue is looked up beside staging; an unknown one fails the submission before anything is
            // submitted, and the finally below deletes what was staged.
            YarnClient started = client;
            InBackground<Void> queueCheck = InBackground.start("weft-queue-check", () -> {
                YarnEngineFactory.checkQueue(settings, started);
                return null;
            });
            ApplicationId appId = application.getNewApplicationResponse().getApplicationId();
            // Housekeeping of ended applications' directories runs beside staging and the submission.
            InBackground<List<Path>> janitor = Janitor.cleanInBackground(fs, client,
                    ApplicationDirs.applicationRoots(conf, fs), conf);
            stagingDir = new Path(ApplicationDirs.stagingRoot(conf, fs), appId.toString());
            String javaHome = conf.get(YarnConfigKeys.JAVA_HOME);
            ChosenJars chosen = jarChoice.join();
            steps.done("choosing jars");
            Path jarCache = ApplicationDirs.jarCache(conf, fs);
            Staging.prepareDirectories(fs, stagingDir, jarCache);
            // The Hadoop configuration (serialized, then written) goes up while the jars are checked against the
            // caches: both mostly wait on the NameNode.
            Path dir = stagingDir;
            InBackground<Void> configuration = InBackground.start("weft-staging-configuration", () -> {
                Staging.uploadConfiguration(fs, dir, yarn);
                Staging.uploadLaunchScript(fs, dir, conf);
                return null;
            });
            try {
                Staging.upload(fs, stagingDir, jarCache, chosen.staged(), chosen.applicationJars(),
                        conf.get(YarnConfigKeys.REMEMBER_VERIFIED_JARS),
                        conf.get(YarnConfigKeys.CLASS_DATA_SHARING) ? FrameworkJars.defaultDir() : null);
                steps.done("jars");
                ShippedResources.stage(fs, stagingDir, jarCache, conf);
                steps.done("shipped files");
            } catch (RuntimeException | Error e) {
                configuration.awaitQuietly(); // before the caller's cleanup deletes the staging directory
                throw e;
            }
            configuration.join();
            steps.done("configuration");
            // The client's shuffle root, not the AM's idea of a home directory: where a container runs as the
            // NodeManager's user (DefaultContainerExecutor), that user's home is another one.
            stageApplication(fs, stagingDir, ApplicationDirs.withShuffleRoot(conf, fs));
            steps.done("settings");
            AmCredentials security = AmCredentials.forSubmission(conf, yarn, fs, stagingDir, true);
            steps.done("credentials");
            steps.log();
            timeline.mark(StartupTimeline.Phase.STAGED);

            queueCheck.join();
            byte[] secret = ApplicationSecrets.random();
            ApplicationSubmissionContext submission = application.getApplicationSubmissionContext();
            Submissions.fill(submission, settings, name != null ? name : mainClass, fs, stagingDir, yarn, javaHome,
                    ApplicationMaster.class.getName(), List.of(), secret, conf, security);
            client.submitApplication(submission);
            timeline.mark(StartupTimeline.Phase.SUBMITTED);
            submitted = true;
            submittedApp = appId;
            out.println("Submitted application " + appId);
            if (!conf.get(YarnConfigKeys.WAIT_APP_COMPLETION)) {
                janitor.awaitQuietly(); // this process ends now: let the clean-up finish first
                out.println("Not waiting for it to end (" + YarnConfigKeys.WAIT_APP_COMPLETION.name() + "=false):"
                        + " its ApplicationMaster removes its files when it ends; yarn logs -applicationId " + appId);
                return 0;
            }
            String eventLogDir = conf.get(ConfigKeys.EVENT_LOG_DIR);
            int code = follow(client, appId, conf.get(ConfigKeys.UI_PROGRESS), eventLogDir == null ? null
                    : fs.makeQualified(new Path(eventLogDir, appId.toString())).toString());
            // The application has ended, so nothing needs its files any more; the AM removes them too, unless it
            // was stopped too hard to (and the janitor is the last resort).
            ended = true;
            fs.delete(new Path(ApplicationDirs.shuffleRoot(conf, fs), appId.toString()), true);
            timeline.mark(StartupTimeline.Phase.CLIENT_EXIT);
            out.println(timeline.format());
            return code;
        } finally {
            // A running application's containers still localize from its staging directory: keep it unless the
            // application never started or has ended.
            if (stagingDir != null && (!submitted || ended)) {
                fs.delete(stagingDir, true);
            }
            client.stop();
        }
    }

    private void stageApplication(FileSystem fs, Path stagingDir, WeftConf conf) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        applicationDescription(conf, fs.makeQualified(stagingDir).toString()).store(bytes, "Weft application");
        try (var stream = fs.create(new Path(stagingDir, StagingLayout.APP_FILE), true)) {
            stream.write(bytes.toByteArray());
        }
    }

    /**
     * What the cluster-mode ApplicationMaster reads ({@link StagingLayout#APP_FILE}): the settings, and the main
     * class, name, arguments and staging directory under {@code weft.internal.*} keys.
     *
     * @param conf the validated settings
     * @param stagingDir the qualified staging directory
     * @return the properties to stage
     */
    Properties applicationDescription(WeftConf conf, String stagingDir) {
        Properties app = new Properties();
        conf.asMap().forEach(app::setProperty);
        app.setProperty(ApplicationMaster.MAIN_CLASS, mainClass);
        app.setProperty(ApplicationMaster.APP_NAME, name != null ? name : mainClass);
        app.setProperty(ApplicationMaster.ARGS, ApplicationMaster.encodeArgs(args));
        app.setProperty(ApplicationMaster.STAGING, stagingDir);
        return app;
    }


    private int follow(YarnClient client, ApplicationId appId, boolean showProgress, String eventLog)
            throws Exception {
        EnumSet<YarnApplicationState> ended = EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED,
                YarnApplicationState.KILLED);
        String trackingUrl = null;
        YarnApplicationState last = null;
        RemoteStatus driver = null;
        io.weft.status.ConsoleProgress progress = null;
        io.weft.status.AppStatusStore.ApplicationInfo lastSeen = null;
        long nextSummaryPoll = 0;
        try {
            while (true) {
                ApplicationReport report = client.getApplicationReport(appId);
                // Before the AM registers, the report's URL points at the ResourceManager's placeholder page.
                if (trackingUrl == null && report.getYarnApplicationState() == YarnApplicationState.RUNNING
                        && report.getTrackingUrl() != null && !report.getTrackingUrl().isBlank()) {
                    trackingUrl = report.getTrackingUrl();
                    out.println("Tracking URL: " + trackingUrl);
                    driver = new RemoteStatus(trackingUrl);
                    if (showProgress) {
                        progress = new io.weft.status.ConsoleProgress(driver::stages, out,
                                out == System.out && io.weft.status.ConsoleProgress.stdoutIsTerminal(),
                                System::currentTimeMillis);
                    }
                }
                if (report.getYarnApplicationState() != last) {
                    last = report.getYarnApplicationState();
                    out.println("Application " + appId + " is " + last);
                }
                if (driver != null && !ended.contains(last) && System.currentTimeMillis() >= nextSummaryPoll) {
                    nextSummaryPoll = System.currentTimeMillis() + 1000;
                    try {
                        lastSeen = driver.application();
                    } catch (RuntimeException unreachable) {
                        // the driver is ending or between attempts; the last answer stands
                    }
                }
                if (ended.contains(last)) {
                    if (progress != null) {
                        progress.close();
                        progress = null;
                    }
                    FinalApplicationStatus status = report.getFinalApplicationStatus();
                    timeline.mark(StartupTimeline.Phase.CLIENT_SAW_END);
                    StartupTimeline.decode(report.getDiagnostics()).ifPresent(timeline::merge);
                    out.println("Final status: " + status);
                    if (lastSeen != null && showProgress) {
                        // A later AM attempt logs to its own file, named as its status says (<id>-attempt<n>).
                        String log = eventLog == null ? null
                                : eventLog.substring(0, eventLog.lastIndexOf('/') + 1) + lastSeen.id();
                        out.println(io.weft.status.ConsoleProgress.summary(withStatus(lastSeen, status,
                                report.getFinishTime()), log, "yarn logs -applicationId " + appId));
                    }
                    String diagnostics = StartupTimeline.strip(report.getDiagnostics());
                    if (status == FinalApplicationStatus.SUCCEEDED && diagnostics != null && !diagnostics.isBlank()) {
                        out.println("Diagnostics: " + diagnostics); // what the program or the AM reported on success
                    }
                    if (status != FinalApplicationStatus.SUCCEEDED) {
                        out.println("Diagnostics: " + diagnostics);
                        out.println("Logs: yarn logs -applicationId " + appId);
                        return 1;
                    }
                    return 0;
                }
                Thread.sleep(250);
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
    }

    private static io.weft.status.AppStatusStore.ApplicationInfo withStatus(
            io.weft.status.AppStatusStore.ApplicationInfo app, FinalApplicationStatus status, long finishTime) {
        return new io.weft.status.AppStatusStore.ApplicationInfo(app.id(), app.name(), app.startMillis(),
                finishTime, status.toString(), app.jobs(), app.activeJobs(), app.failedJobs(), app.stages(),
                app.completedTasks(),
                app.failedTasks(), app.shuffleBytesWritten(), app.shuffleBytesRead(), app.speculativeTasks(),
                app.recoveredMapOutputs());
    }
}
