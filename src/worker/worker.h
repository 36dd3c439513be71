/* The worker thread: reads the sources, builds scenes (layout and every SDL_ttf call), and
 * hands them to the render thread through a one-slot mailbox, waking it with an SDL event.
 * The render thread never waits for it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "picture.h"
#include "scene.h"
#include "stats.h"

struct worker;

/* Starts the worker on a copy of cfg (config_read from config_path and the command line's
 * feeds, which a reload reads again). wake_event is an SDL user event type pushed whenever a
 * scene is ready. */
struct worker *worker_create(const struct config *cfg, const char *config_path,
                             const char *const *cli_feeds, size_t cli_feed_count,
                             uint32_t wake_event);
void worker_destroy(struct worker *w);

/* The render target's size and the widest texture the renderer takes. Triggers a rebuild. */
void worker_set_screen(struct worker *w, int width, int height, int max_tile_w);
/* The newest scene, or NULL; the caller owns it. */
struct scene *worker_take_scene(struct worker *w);
/* A new status line for the scene with *scene_id (only the "Updated" time changed): true with
 * the image in *img (the caller owns it), false when there is none. Take the scene first. */
bool worker_take_status(struct worker *w, uint32_t *scene_id, struct scene_image *img);
/* The render side needs the text of card `card` of the scene with scene_id (a lazy scene's,
 * stage.want_card): the worker rasterises it and wakes the render thread. */
void worker_want_card(struct worker *w, uint32_t scene_id, size_t card);
/* A card asked for, ready: true and *pack (the caller owns it) while there are any. */
bool worker_take_card(struct worker *w, struct scene_card_pack *pack);
/* Re-reads the config file and every source (SIGHUP). */
void worker_request_reload(struct worker *w);
/* When the worker last went round its loop (monotonic ns). It goes round at least once a
 * minute, so a much older value means it hangs. */
int64_t worker_heartbeat_ns(struct worker *w);
/* Why the worker can show nothing at all (no font opens), or NULL; static storage. The sign
 * then exits with it rather than stay up with an empty screen. */
const char *worker_failure(struct worker *w);
/* Frame counters for the status and metrics files; cheap, call every few seconds. */
void worker_report_frames(struct worker *w, uint64_t shown, uint64_t dropped, uint64_t late);
/* Whether the schedule has the display on now. The worker wakes the render thread when it
 * changes. */
bool worker_display_on(struct worker *w);
/* Why the sign must start again to take a setting in (a new time zone), or NULL; static
 * storage. */
const char *worker_restart_reason(struct worker *w);
/* Writes pic (the frame on screen, as viewers see it) to screen.png beside the status file,
 * off the render thread. Takes the pixels: *pic is zeroed. */
void worker_request_screenshot(struct worker *w, struct picture *pic);
/* Writes a copy of stats to path off the render thread (SIGUSR1). */
void worker_request_stats(struct worker *w, const struct stats *stats, const char *path);
