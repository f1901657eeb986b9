package io.weft.runtime.io.hadoop;

import io.weft.api.WeftException;
import org.apache.hadoop.io.BooleanWritable;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.DoubleWritable;
import org.apache.hadoop.io.FloatWritable;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;

/** Spark's implicit Java-to-Writable conversions, for {@code saveAsSequenceFile}. */
public final class Writables {

    private Writables() {
    }

    /**
     * @param value a Writable (returned as it is), a String, boxed primitive, byte[] or null
     * @param role "key" or "value", for the error
     * @return the Writable
     * @throws WeftException naming the class and the fix when there is no conversion
     */
    public static Writable of(Object value, String role) {
        if (value == null) {
            return NullWritable.get();
        } else if (value instanceof Writable w) {
            return w;
        } else if (value instanceof String s) {
            return new Text(s);
        } else if (value instanceof Integer i) {
            return new IntWritable(i);
        } else if (value instanceof Long l) {
            return new LongWritable(l);
        } else if (value instanceof Double d) {
            return new DoubleWritable(d);
        } else if (value instanceof Float f) {
            return new FloatWritable(f);
        } else if (value instanceof Boolean b) {
            return new BooleanWritable(b);
        } else if (value instanceof byte[] bytes) {
            return new BytesWritable(bytes);
        }
        throw new WeftException("saveAsSequenceFile: a " + role + " of class " + value.getClass().getName()
                + " is not a Writable and has no conversion. Fix: map it to a Writable (or to String, Integer,"
                + " Long, Double, Float, Boolean or byte[]) first.");
    }
}
