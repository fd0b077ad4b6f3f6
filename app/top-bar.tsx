import Link from "next/link";
import { NavLinks } from "./(portal)/nav-links";
import { SignOutButton } from "./(portal)/sign-out-button";

/** The header of the portal and the console: brand, navigation, who is signed in, sign-out. */
export function TopBar({ brand, home, links, who, whoTitle }: { brand: string; home: string; links: { href: string; label: string }[]; who: string; whoTitle?: string }) {
  return (
    <header className="topbar">
      <Link href={home} className="brand">{brand}</Link>
      <NavLinks links={links} />
      <div className="who">
        <span className="muted" title={whoTitle}>{who}</span>
        <SignOutButton />
      </div>
    </header>
  );
}
