"""The course's colours: Okabe-Ito, told apart with every common form of colour blindness."""

from __future__ import annotations

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"  # bluish green
PURPLE = "#CC79A7"  # reddish purple
SKY = "#56B4E9"  # sky blue
VERMILION = "#D55E00"
YELLOW = "#F0E442"
BLACK = "#000000"
PALETTE = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION, YELLOW, BLACK]

# What the colours mean across the course: each country its own colour in every chart and map.
JAPAN = ORANGE
RUSSIA = BLUE
NEUTRAL = "#7F7F7F"
LAND = "#E8E2D0"
SEA = "#EAF2F8"
# Links in the static pages: darker than BLUE so that link text reads at 7:1 on white, and
# underlined, so that it is not told apart by colour alone.
PAGE_LINK = "#0A58A5"
