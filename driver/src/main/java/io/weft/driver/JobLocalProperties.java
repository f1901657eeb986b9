package io.weft.driver;

import io.weft.api.WeftSession;
import io.weft.planner.JobProperties;
import java.util.HashMap;
import java.util.Map;

/**
 * Each user thread's job properties (Spark's local properties): set by {@code setJobGroup},
 * {@code setJobDescription} and {@code setLocalProperty} (the scheduler pool, {@code weft.scheduler.pool}, too),
 * read when the thread submits a job, so they travel with the submission to the scheduler thread.
 *
 * <p>As in Spark, an {@link InheritableThreadLocal}: a thread starts with a copy of the properties of the thread
 * that created it, and later changes in either thread do not reach the other. (A thread pool's thread therefore
 * keeps whatever its creator had set when the pool made it.) Thread-safe: each thread sees only its own map.
 */
public final class JobLocalProperties {

    private final InheritableThreadLocal<Map<String, String>> properties = new InheritableThreadLocal<>() {
        @Override
        protected Map<String, String> initialValue() {
            return new HashMap<>();
        }

        @Override
        protected Map<String, String> childValue(Map<String, String> parent) {
            return new HashMap<>(parent);
        }
    };

    /**
     * @param key the property
     * @param value its value for the calling thread, or null to remove it
     */
    public void set(String key, String value) {
        if (key == null) {
            throw new IllegalArgumentException("setLocalProperty: the key is null");
        }
        if (value == null) {
            properties.get().remove(key);
        } else {
            properties.get().put(key, value);
        }
    }

    /** @return the calling thread's value, or null */
    public String get(String key) {
        return properties.get().get(key);
    }

    /** @return a copy of the calling thread's properties */
    public Map<String, String> snapshot() {
        return new HashMap<>(properties.get());
    }

    /** @return what the calling thread's next job carries */
    JobProperties current() {
        Map<String, String> map = properties.get();
        if (map.isEmpty()) {
            return JobProperties.NONE;
        }
        return new JobProperties(map.get(WeftSession.JOB_DESCRIPTION), map.get(WeftSession.JOB_GROUP_ID),
                Boolean.parseBoolean(map.get(WeftSession.JOB_INTERRUPT_ON_CANCEL)),
                map.get(WeftSession.SCHEDULER_POOL));
    }
}
