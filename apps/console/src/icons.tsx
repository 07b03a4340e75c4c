/**
 * The console's few pictograms as inline SVG: an emoji needs a colour-emoji font, which many
 * front-desk machines (and Debian's Chromium) do not have, and would show as an empty box.
 */
const ICON = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false, fill: 'none', stroke: 'currentColor', strokeWidth: 1.5 } as const;

export function CameraIcon() {
  return (
    <svg {...ICON}>
      <path d="M2 5h3l1.5-2h3L11 5h3v8H2z" strokeLinejoin="round" />
      <circle cx="8" cy="9" r="2.5" />
    </svg>
  );
}

export function TrashIcon() {
  return (
    <svg {...ICON}>
      <path d="M3 4h10M6 4V2.5h4V4M4.5 4l.7 9.5h5.6l.7-9.5M7 6.5v5M9 6.5v5" strokeLinejoin="round" />
    </svg>
  );
}
