package io.rampart.sli.api;

/** Text PostgreSQL can store as sent: it refuses the NUL character, and would store an unpaired surrogate as '?'. */
public final class UnicodeText {

    private UnicodeText() {
    }

    public static boolean storable(String text) {
        // codePoints() joins a valid surrogate pair into one code point; an unpaired one stays a surrogate.
        return text.codePoints().noneMatch(c -> c == 0 || c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }
}
