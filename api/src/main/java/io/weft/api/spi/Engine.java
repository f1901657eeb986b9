package io.weft.api.spi;

import io.weft.api.Accumulator;
import io.weft.api.Broadcast;
import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import java.util.Iterator;
import java.util.List;

/**
 * What a {@link io.weft.api.WeftSession} runs on: plans and runs jobs on some cluster (threads, local JVMs,
 * YARN containers). Engine-facing; implementations are found with {@link EngineFactory}.
 *
 * <p>Called from user threads; implementations are thread-safe. Jobs submitted concurrently run concurrently.
 */
public interface Engine extends AutoCloseable {

    /** @return the application id */
    String applicationId();

    /** @return the default number of partitions (total executor cores) */
    int defaultParallelism();

    /** @return a new lineage node id */
    int newNodeId();

    /**
     * Reserves shuffle ids.
     *
     * @param count how many
     * @return the first of {@code count} consecutive new ids
     */
    int newShuffleIds(int count);

    /**
     * Checks that a function can be shipped to executors, when the transformation is defined.
     *
     * @param operator the operator's name, e.g. {@code map}
     * @param function the user's function
     * @throws io.weft.api.ClosureSerializationException naming the lambda, the captured value and the fix
     */
    void checkClosure(String operator, Object function);

    /**
     * Runs a job: computes the given partitions of a node and applies a function to each, returning the results
     * in partition order. Blocks until the job ends.
     *
     * @param node the final node
     * @param partitionFunction applied to each partition's records on an executor
     * @param partitions the partitions to compute, or {@code null} for all
     * @param callSite the action and where it was called, for logs
     * @param <T> record type
     * @param <U> per-partition result type
     * @return one result per requested partition, in order
     * @throws io.weft.api.JobFailedException when a task fails past the retry limit
     */
    <T, U> List<U> runJob(Node<T> node, SerializableFunction<Iterator<T>, U> partitionFunction, int[] partitions,
            String callSite);

    /**
     * A node that reads text files line by line.
     *
     * @param path a Hadoop path: file, directory or glob, on any file system
     * @param minPartitions the minimum number of splits
     * @param callSite for logs
     * @return the node
     */
    Node<String> textFile(String path, int minPartitions, String callSite);

    /**
     * Writes each record's {@code toString} as a line, one {@code part-NNNNN} file per partition, through a
     * commit protocol. Blocks until done.
     *
     * @param node the records
     * @param path the destination directory, which must not exist
     * @param callSite for logs
     */
    void saveAsTextFile(Node<?> node, String path, String callSite);

    // ---- Hadoop input and output ----

    /**
     * A node that reads through a Hadoop InputFormat. Splits and their hosts are computed now, on the calling
     * thread, so a missing input fails at once. The records are the reader's own key and value objects, which
     * Hadoop readers reuse from record to record.
     *
     * @param input what to read
     * @param callSite for logs
     * @param <K> key type
     * @param <V> value type
     * @return the node
     * @throws io.weft.api.WeftException naming the path and the fix when the input cannot be listed
     */
    <K, V> Node<io.weft.api.Pair<K, V>> hadoopInput(HadoopInput input, String callSite);

    /**
     * Writes pairs through a Hadoop OutputFormat and its own committer: job setup, one task commit per partition
     * (exactly one attempt's), job commit; on failure the tasks and the job are aborted, so no partial output
     * stays. Blocks until done.
     *
     * @param node the pairs
     * @param output where and how to write
     * @param callSite for logs
     * @throws io.weft.api.WeftException when the output exists or cannot be set up (naming the path and the fix)
     * @throws io.weft.api.JobFailedException when a task fails past the retry limit (after aborting)
     */
    void saveAsHadoop(Node<? extends io.weft.api.Pair<?, ?>> node, HadoopOutput output, String callSite);

    /**
     * @param value the value to ship once per executor
     * @param <T> its type
     * @return the broadcast handle
     */
    <T> Broadcast<T> broadcast(T value);

    // ---- accumulators and checkpoints ----

    /**
     * Registers a driver-side accumulator, so tasks that capture it send their updates back to it.
     *
     * @param accumulator a new, unregistered accumulator
     * @param name its name
     * @param <A> its type
     * @return the accumulator
     * @throws IllegalStateException if it is already registered
     */
    <A extends Accumulator<?, ?>> A register(A accumulator, String name);

    /**
     * Sets the directory under which reliable checkpoints go (in a subdirectory for the application).
     *
     * @param dir a Hadoop path every executor can read
     */
    void setCheckpointDir(String dir);

    /** @return the application's checkpoint directory, once set */
    java.util.Optional<String> checkpointDir();

    /**
     * Drops a node's cached partitions from every executor.
     *
     * @param node the node
     */
    void unpersist(Node<?> node);

    // ---- job groups and cancellation ----

    /**
     * Sets a property of the jobs the calling thread submits from now on (Spark's local properties: the job
     * description and group). Threads the caller starts afterwards begin with a copy of its properties.
     *
     * @param key the property, e.g. {@link io.weft.api.WeftSession#JOB_GROUP_ID}
     * @param value its value, or {@code null} to remove it
     */
    default void setLocalProperty(String key, String value) {
        throw new UnsupportedOperationException(getClass().getName() + " has no job properties");
    }

    /**
     * @param key a property
     * @return its value for the calling thread, or {@code null}
     */
    default String getLocalProperty(String key) {
        return null;
    }

    /**
     * Cancels every running and waiting job of a group; their actions throw
     * {@link io.weft.api.JobCancelledException}. Any thread; returns without waiting. A group without jobs: nothing.
     *
     * @param groupId the group
     */
    default void cancelJobGroup(String groupId) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot cancel jobs");
    }

    /** Cancels every running and waiting job. Any thread; returns without waiting. */
    default void cancelAllJobs() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot cancel jobs");
    }

    // ---- shipping things with the job ----

    /**
     * Makes a file available, under its name, to the tasks of jobs submitted afterwards and to the driver
     * ({@link io.weft.api.WeftFiles}).
     *
     * @param path a local path or Hadoop URI of an existing file
     * @throws io.weft.api.WeftException when it does not exist, is a directory, or its name is taken by another
     */
    default void addFile(String path) {
        throw new UnsupportedOperationException("This engine cannot ship files");
    }

    /**
     * Puts a jar on the class path of the tasks of jobs submitted afterwards (and of the driver's deserializer).
     *
     * @param path a local path or Hadoop URI of an existing jar
     * @throws io.weft.api.WeftException when it does not exist or its name is taken by another
     */
    default void addJar(String path) {
        throw new UnsupportedOperationException("This engine cannot ship jars");
    }

    /** Stops the engine and deletes the application's shuffle directory. Idempotent. */
    @Override
    void close();
}
