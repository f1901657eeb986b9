package io.weft.planner;

import java.util.Arrays;

/**
 * A double-ended queue of ints in a growable ring buffer: the pending-task lists of a 100,000-task stage without a
 * boxed {@code Integer} per entry. Not thread-safe (scheduler thread only).
 */
final class IntDeque {

    private int[] items = new int[4];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(int value) {
        grow();
        items[(head + size) & (items.length - 1)] = value;
        size++;
    }

    void addFirst(int value) {
        grow();
        head = (head - 1) & (items.length - 1);
        items[head] = value;
        size++;
    }

    /** @return the first value; the deque must not be empty */
    int peekFirst() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return items[head];
    }

    /** @return the first value, removed; the deque must not be empty */
    int pollFirst() {
        int value = peekFirst();
        head = (head + 1) & (items.length - 1);
        size--;
        return value;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    private void grow() {
        if (size < items.length) {
            return;
        }
        int[] bigger = new int[items.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = items[(head + i) & (items.length - 1)];
        }
        items = bigger;
        head = 0;
    }

    @Override
    public String toString() {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = items[(head + i) & (items.length - 1)];
        }
        return Arrays.toString(out);
    }
}
