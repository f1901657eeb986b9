package io.weft.driver.session;

import io.weft.api.Accumulator;
import io.weft.api.Broadcast;
import io.weft.api.Pair;
import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import io.weft.api.spi.Engine;
import io.weft.api.spi.HadoopInput;
import io.weft.api.spi.HadoopOutput;
import java.io.File;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine of a program attached to a long-running session ({@code weft-session://}): every job, node id,
 * broadcast and accumulator registration is a request to the session's {@link SessionService} over one
 * authenticated connection, on which many of the program's threads may have requests in flight at once. Objects
 * travel serialized with the program's own serializers (its class loader); the session reads them in the
 * attachment's scope.
 *
 * <p>Failures: a job that fails throws {@link io.weft.api.JobFailedException}, one that is cancelled
 * {@link io.weft.api.JobCancelledException}, with the session's message intact; a lost connection fails every
 * request in flight with a {@link io.weft.api.WeftException} saying so. {@link #checkClosure} runs locally.
 * {@link #close()} detaches: the session and its executors stay up. Thread-safe.
 */
public final class SessionClientEngine implements Engine {

    /**
     * Connects, authenticates as {@link io.weft.runtime.channel.PeerRole#SESSION_CLIENT}, ships the jars the
     * session does not hold yet (by SHA-256), and waits until the attachment is ready. Blocks the calling thread.
     *
     * @param endpoint where the session listens, and its client secret
     * @param appName the program's name, for the session's logs
     * @param settings the program's settings
     * @param jars the program's jars (local files)
     * @return the attached engine
     * @throws io.weft.api.WeftException when the session cannot be reached, refuses the secret, or the jars
     *     cannot be read or shipped (naming which and the fix)
     */
    public static SessionClientEngine connect(SessionEndpoint endpoint, String appName, Map<String, String> settings,
            List<File> jars) {
        throw new UnsupportedOperationException("not yet");
    }

    /** @return the attachment's id (also its scheduler pool on the session) */
    public String attachmentId() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public String applicationId() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public int defaultParallelism() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public int newNodeId() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public int newShuffleIds(int count) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void checkClosure(String operator, Object function) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public <T, U> List<U> runJob(Node<T> node, SerializableFunction<Iterator<T>, U> partitionFunction,
            int[] partitions, String callSite) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Node<String> textFile(String path, int minPartitions, String callSite) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void saveAsTextFile(Node<?> node, String path, String callSite) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public <K, V> Node<Pair<K, V>> hadoopInput(HadoopInput input, String callSite) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void saveAsHadoop(Node<? extends Pair<?, ?>> node, HadoopOutput output, String callSite) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public <T> Broadcast<T> broadcast(T value) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public <A extends Accumulator<?, ?>> A register(A accumulator, String name) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void setCheckpointDir(String dir) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Optional<String> checkpointDir() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void unpersist(Node<?> node) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void setLocalProperty(String key, String value) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public String getLocalProperty(String key) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void cancelJobGroup(String groupId) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void cancelAllJobs() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void addFile(String path) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void addJar(String path) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Detaches: closes the connection (the session cancels this program's running jobs); idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet");
    }
}
