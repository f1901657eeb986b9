package io.weft.driver.session;

import io.weft.api.ClosureSerializationException;
import io.weft.api.JobCancelledException;
import io.weft.api.JobFailedException;
import io.weft.api.WeftException;

/**
 * The session protocol's operation names ({@link io.weft.runtime.channel.Messages.SessionCall#operation()}) and
 * failure kinds ({@link io.weft.runtime.channel.Messages.SessionReply#failure()}), with the mapping of failures to
 * exceptions on both ends. Stateless.
 */
final class SessionOps {

    static final String NEW_NODE_ID = "newNodeId";
    static final String NEW_SHUFFLE_IDS = "newShuffleIds";
    static final String RUN_JOB = "runJob";
    static final String TEXT_FILE = "textFile";
    static final String HADOOP_INPUT = "hadoopInput";
    static final String SAVE_AS_TEXT_FILE = "saveAsTextFile";
    static final String SAVE_AS_HADOOP = "saveAsHadoop";
    static final String BROADCAST = "broadcast";
    static final String UNPERSIST_BROADCAST = "unpersistBroadcast";
    static final String DESTROY_BROADCAST = "destroyBroadcast";
    static final String REGISTER_ACCUMULATOR = "registerAccumulator";
    static final String SET_CHECKPOINT_DIR = "setCheckpointDir";
    static final String CHECKPOINT_DIR = "checkpointDir";
    static final String UNPERSIST = "unpersist";
    static final String CANCEL_JOB_GROUP = "cancelJobGroup";
    static final String CANCEL_ALL_JOBS = "cancelAllJobs";
    /** Offers a file by name, length and SHA-256; answered with a {@code SessionNeeds}, then a reply. */
    static final String OFFER = "offer";
    static final String ADD_FILE = "addFile";
    static final String ADD_JAR = "addJar";

    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";
    static final String CLOSURE = "closure";
    static final String ARGUMENT = "argument";
    static final String STATE = "state";
    static final String ERROR = "error";

    /** The job property naming a job's scheduler pool (seam 3: fair pools). */
    static final String POOL_PROPERTY = "weft.scheduler.pool";

    private SessionOps() {
    }

    /** @return the failure kind of an exception thrown by a request on the session */
    static String kindOf(Throwable t) {
        if (t instanceof JobCancelledException) {
            return CANCELLED;
        }
        if (t instanceof JobFailedException) {
            return FAILED;
        }
        if (t instanceof ClosureSerializationException) {
            return CLOSURE;
        }
        if (t instanceof IllegalArgumentException) {
            return ARGUMENT;
        }
        if (t instanceof IllegalStateException) {
            return STATE;
        }
        return ERROR;
    }

    /**
     * @param kind a failure kind
     * @param message its message
     * @param detail for {@link #CANCELLED}: the group the program set (a {@code String}, or null); for
     *     {@link #FAILED}: {@code Object[] {int[] {stageId, partition}, the cause as {@link RemoteCauses#describe}
     *     gives it}}, or null
     * @return the exception the client throws for it
     */
    static RuntimeException toException(String kind, String message, Object detail) {
        return switch (kind) {
            case CANCELLED -> new JobCancelledException(message, detail instanceof String group ? group : null);
            case FAILED -> detail instanceof Object[] parts && parts.length == 2
                    && parts[0] instanceof int[] where && where.length == 2 && parts[1] instanceof Object[] causes
                    ? new JobFailedException(message, where[0], where[1], RemoteCauses.rebuild(causes))
                    : new JobFailedException(message, -1, -1, null);
            case CLOSURE -> new ClosureSerializationException(message, null);
            case ARGUMENT -> new IllegalArgumentException(message);
            case STATE -> new IllegalStateException(message);
            default -> new WeftException(message);
        };
    }
}
