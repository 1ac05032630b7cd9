package snowflakeside

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
)

// untilLockFree runs one load attempt (once) again while it fails only because it
// waited too long for a table lock, until the activity's lock patience is spent or the
// context ends, heartbeating between tries. what names the attempt in the warning
// ("load", "re-sync replace"), verb the heartbeat's action ("load", "replace").
func untilLockFree[T any](ctx context.Context, a *Activities, what, verb, where, tableKey string, n int, once func() (T, bool, error)) (T, bool, error) {
	giveUp := time.Now().Add(a.lockPatience)
	for try := 1; ; try++ {
		res, loaded, err := once()
		if err == nil || ctx.Err() != nil || !waitedForLock(err) || time.Now().After(giveUp) {
			return res, loaded, err
		}
		warn(ctx, what+" waited too long for a lock; trying again", "partition", n, "table", tableKey, "try", try, "error", err)
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, "waiting for a lock to "+verb+" "+where)
		}
		select {
		case <-ctx.Done():
		case <-time.After(lockRetryPause):
		}
	}
}
