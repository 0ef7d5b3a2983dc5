package dev.fetchfleet.job;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A template's {@code {"from", "to", "step"}} values as a list that computes each value when asked, so a
 * range of ten million values costs three numbers, not ten million strings. Any {@code List<String>} is a
 * template's value list (a written list, this, a date window's values): expansion asks only size and get.
 */
final class NumberRange extends AbstractList<String> implements RandomAccess {

    private final long from;
    private final long step;
    private final int size;

    NumberRange(long from, long to, long step) {
        this.from = from;
        this.step = step;
        this.size = (int) ((to - from) / step + 1);
    }

    @Override
    public String get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return Long.toString(from + index * step);
    }

    @Override
    public int size() {
        return size;
    }
}
