/* Where the sign's picture goes on the screen: straight to it, inside the overscan margins, or
 * through a canvas texture turned by a quarter turn for a screen mounted on its side (the Pi's
 * display planes cannot rotate by 90 degrees, so the renderer does it). Render thread only. */
#pragma once
#include <SDL.h>
#include <stdbool.h>

struct picture;

struct output {
    SDL_Renderer *renderer; /* not owned */
    SDL_Texture *canvas;    /* owned; NULL: draw straight into the viewport */
    int turns;              /* quarter turns clockwise, 0..3 */
    int margins[4];         /* top, right, bottom, left, as viewers see the picture */
    SDL_Rect viewport;      /* the picture on screen, in screen pixels (turns == 0) */
    SDL_FRect dest;         /* where the canvas goes before it is turned (turns != 0) */
    int width, height;      /* the picture's size: what the stage and the worker lay out */
};

/* margins: top, right, bottom, left. Reads the renderer's output size. Returns false (SDL
 * error set) when the canvas cannot be made. */
bool output_init(struct output *o, SDL_Renderer *renderer, int turns, const int margins[4]);
/* The picture's size on a screen_w x screen_h screen, before there is a renderer: lets the
 * worker lay out the first scene while the renderer starts. */
void output_picture_size(int screen_w, int screen_h, int turns, const int margins[4], int *w,
                         int *h);
/* The screen changed size: recomputes, and remakes the canvas when needed. */
bool output_resize(struct output *o);
/* Before drawing a frame: the stage draws in picture coordinates from here on. */
void output_begin(struct output *o);
/* After: puts the picture on the screen (turned, inside the margins). */
void output_end(struct output *o);
/* The picture drawn last (call before present), upright and without the margins. False (SDL
 * error set, pic zeroed) when the renderer cannot read it back. */
bool output_read_picture(struct output *o, struct picture *pic);
void output_finish(struct output *o);
