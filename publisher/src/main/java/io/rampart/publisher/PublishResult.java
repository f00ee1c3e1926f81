package io.rampart.publisher;

/**
 * What the service stored: {@code accepted} items counted now, {@code duplicates} not counted
 * because their {@code eventId} was already stored for the app (a retry whose first answer was
 * lost, or another publisher of the same run), and how many requests stored them (retries not counted).
 */
public final class PublishResult {

    static final PublishResult NOTHING = new PublishResult(0, 0, 0);

    private final long accepted;
    private final long duplicates;
    private final int requests;

    PublishResult(long accepted, long duplicates, int requests) {
        this.accepted = accepted;
        this.duplicates = duplicates;
        this.requests = requests;
    }

    PublishResult plus(long moreAccepted, long moreDuplicates) {
        return new PublishResult(accepted + moreAccepted, duplicates + moreDuplicates, requests + 1);
    }

    public long accepted() {
        return accepted;
    }

    public long duplicates() {
        return duplicates;
    }

    public int requests() {
        return requests;
    }

    @Override
    public String toString() {
        return accepted + " accepted, " + duplicates + " duplicates, " + requests + " requests";
    }
}
