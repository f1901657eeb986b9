package io.weft.am.submit;

import io.weft.am.master.ClientModeLauncher;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.yarnconf.ContainerCommands;
import io.weft.yarnconf.StagingLayout;
import io.weft.yarnconf.YarnSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/** Fills a YARN submission the same way in client and cluster mode. */
final class Submissions {

    /**
     * The client-mode AM only allocates and launches containers: the quick-starting C1 compiler and the serial
     * collector leave the node's cores to the executor JVMs that start at the same moment.
     */
    static final List<String> LAUNCHER_JVM_OPTIONS = io.weft.yarnconf.ContainerCommands.QUICK_START_JVM_OPTIONS;

    private Submissions() {
    }

    /** The launcher's own options first, so that the user's ({@code weft.am.extraJavaOptions}) win. */
    private static List<String> amJavaOptions(String amMainClass, io.weft.conf.WeftConf conf) {
        // A launcher that runs an executor too (weft.yarn.executorInAm) runs tasks: it gets what executors get.
        boolean launcherOnly = amMainClass.equals(ClientModeLauncher.class.getName())
                && !conf.get(io.weft.yarnconf.YarnConfigKeys.EXECUTOR_IN_AM);
        List<String> options = new java.util.ArrayList<>(launcherOnly
                || conf.get(io.weft.yarnconf.YarnConfigKeys.QUICK_START_JVMS) ? LAUNCHER_JVM_OPTIONS : List.of());
        // The client-mode launcher connects to the driver (exit reports) before it could read any setting.
        options.add(io.weft.runtime.channel.ChannelOptions.from(conf).jvmOption());
        options.addAll(io.weft.conf.ConfigKeys.splitOptions(conf.get(io.weft.yarnconf.YarnConfigKeys.AM_JAVA_OPTIONS)));
        return options;
    }

    /**
     * Sets the application's name, queue, priority, attempts, tags, AM node label and size, and the AM's launch
     * context: the staged jars and configuration, the class path, the application secret in the AM's
     * credentials (never on its command line), and the VIEW_APP ACL when {@code weft.acls.enable} is on.
     *
     * @param submission from {@code YarnClientApplication}
     * @param settings the YARN settings
     * @param name the application's name
     * @param fs the file system of the staging directory
     * @param stagingDir the staging directory
     * @param yarn the cluster's configuration
     * @param javaHome JAVA_HOME for the containers, or null
     * @param amMainClass the AM's main class
     * @param amArgs its arguments
     * @param secret the application secret
     * @param conf the settings, for the AM's environment ({@code weft.yarn.appMasterEnv.*}) and extra JVM options
     * @param security Kerberos: delegation tokens for the AM's credentials, and resources of the AM alone (keytab)
     * @throws IOException when the staged files cannot be listed
     */
    static void fill(ApplicationSubmissionContext submission, YarnSettings settings, String name, FileSystem fs,
            Path stagingDir, YarnConfiguration yarn, String javaHome, String amMainClass, List<String> amArgs,
            byte[] secret, io.weft.conf.WeftConf conf, io.weft.am.kerberos.AmCredentials security)
            throws IOException {
        submission.setApplicationName(name);
        submission.setApplicationType("WEFT");
        submission.setQueue(settings.queue());
        submission.setPriority(Priority.newInstance(settings.priority()));
        submission.setMaxAppAttempts(settings.amMaxAttempts());
        submission.setApplicationTags(settings.tags());
        Resource amResource = Resource.newInstance(settings.amContainerMb(), settings.amContainerCores());
        submission.setResource(amResource);
        if (settings.amNodeLabel() != null) {
            // On the AM's own request only: the application-wide expression would also pin every executor there.
            org.apache.hadoop.yarn.api.records.ResourceRequest amRequest =
                    org.apache.hadoop.yarn.api.records.ResourceRequest.newInstance(Priority.newInstance(0),
                            org.apache.hadoop.yarn.api.records.ResourceRequest.ANY, amResource, 1);
            amRequest.setNodeLabelExpression(settings.amNodeLabel());
            submission.setAMContainerResourceRequests(List.of(amRequest));
        }
        Credentials credentials = new Credentials();
        ApplicationSecrets.addTo(credentials, secret);
        credentials.addAll(security.tokens());
        DataOutputBuffer tokens = new DataOutputBuffer();
        credentials.writeTokenStorageToStream(tokens);
        java.util.Map<String, org.apache.hadoop.yarn.api.records.LocalResource> resources =
                StagingLayout.localResources(fs, stagingDir, ContainerCommands.JARS_DIR);
        resources.putAll(security.resources());
        submission.setAMContainerSpec(ContainerLaunchContext.newInstance(resources,
                ContainerCommands.withClassDataSharing(ContainerCommands.withUserEnvironment(
                        ContainerCommands.environment(yarn, javaHome),
                        io.weft.conf.ConfigKeys.withPrefix(conf, io.weft.conf.ConfigKeys.AM_ENV_PREFIX)), resources,
                        settings.amContainerMb(), settings.amHeapMb()),
                ContainerCommands.command(settings.amHeapMb(), amMainClass, amArgs, amJavaOptions(amMainClass, conf),
                        resources),
                null, ByteBuffer.wrap(tokens.getData(), 0, tokens.getLength()), ApplicationAcls.of(conf)));
    }
}
