package io.weft.am.master;

import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.executor.ExecutorMain;
import io.weft.yarnconf.ContainerCommands;
import io.weft.yarnconf.StagingLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.security.AMRMTokenIdentifier;

/** Makes what an executor container runs: the {@link ExecutorMain} command and its resources. */
@FunctionalInterface
interface ExecutorLaunchContexts {

    /**
     * @param executorId the executor's id
     * @param driverHost where its driver listens
     * @param driverPort the driver's port
     * @return the container's launch context
     */
    ContainerLaunchContext forExecutor(String executorId, String driverHost, int driverPort);

    /**
     * The real thing: the jars and configuration the client staged, this AM's credentials but its AMRM token
     * (the application secret travels there, never on a command line), read at each launch, and the executor's JVM
     * command.
     *
     * @param yarn the cluster's configuration
     * @param stagingDir the application's staging directory
     * @param spec the executors' sizes and JVM options
     * @return the factory
     * @throws IOException when the staging directory or the credentials cannot be read
     */
    static ExecutorLaunchContexts staged(YarnConfiguration yarn, Path stagingDir, ExecutorSpec spec)
            throws IOException {
        Map<String, LocalResource> jars = StagingLayout.localResources(FileSystem.get(yarn), stagingDir,
                ContainerCommands.JARS_DIR);
        Map<String, String> environment = ContainerCommands.withClassDataSharing(ContainerCommands.withUserEnvironment(
                ContainerCommands.environment(yarn, System.getenv("JAVA_HOME")), spec.environment()), jars, spec.containerMb(),
                spec.heapMb());
        return (executorId, driverHost, driverPort) -> ContainerLaunchContext.newInstance(jars, environment,
                ContainerCommands.command(spec.heapMb(), ExecutorMain.class.getName(), List.of(driverHost,
                        String.valueOf(driverPort), executorId, String.valueOf(spec.cores()),
                        ExecutorMain.SECRET_FROM_CREDENTIALS), spec.javaOptions(), jars),
                null, executorTokens(), null);
    }

    /**
     * All credentials but the AMRM token, which belongs to this AM only, and with the application secret replaced
     * by the executors' own ({@link ApplicationSecrets#forRole}): an executor can authenticate only as one. Read at
     * each launch, so that a container
     * launched after a token refresh ({@code io.weft.am.kerberos.TokenRefresher}) starts with the fresh tokens.
     */
    private static ByteBuffer executorTokens() {
        try {
            return withoutAmrmToken();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Could not read this ApplicationMaster's credentials", e);
        }
    }

    private static ByteBuffer withoutAmrmToken() throws IOException {
        Credentials credentials = UserGroupInformation.getCurrentUser().getCredentials(); // a copy
        byte[] secret = credentials.getSecretKey(new Text(ApplicationSecrets.ALIAS));
        if (secret != null) {
            credentials.removeSecretKey(new Text(ApplicationSecrets.ALIAS));
            ApplicationSecrets.addTo(credentials, ApplicationSecrets.forRole(secret, PeerRole.EXECUTOR));
        }
        Iterator<Token<?>> tokens = credentials.getAllTokens().iterator();
        while (tokens.hasNext()) {
            if (tokens.next().getKind().equals(AMRMTokenIdentifier.KIND_NAME)) {
                tokens.remove();
            }
        }
        DataOutputBuffer buffer = new DataOutputBuffer();
        credentials.writeTokenStorageToStream(buffer);
        return ByteBuffer.wrap(buffer.getData(), 0, buffer.getLength());
    }
}
