import Link from "next/link";

export default function NotFound() {
  return (
    <main className="narrow">
      <h1>Not found</h1>
      <p>This page does not exist.</p>
      <p><Link href="/">Meterline home</Link></p>
    </main>
  );
}
