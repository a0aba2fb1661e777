// "Void this invoice / estimate" never acts on one tap. Without JavaScript it is a link to a
// confirmation page (GET …/void shows the question and a POST button: confirm-void-page.tsx, with its loader
// and action in app/web/void-document.server.ts); with JavaScript the same link opens the question in
// place and its "Yes" button posts the page's own `void` intent.
import { Link } from "@remix-run/react";
import { lazy, Suspense, useState } from "react";

const ConfirmVoidDialog = lazy(() => import("./confirm-void-dialog").then((module) => ({ default: module.ConfirmVoidDialog })));

export function ConfirmVoid({ label, question, consequence, pending }: { label: string; question: string; consequence: string; pending: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const link = (
    <Link
      to="void"
      className="button button-small button-secondary danger"
      onClick={(event) => {
        event.preventDefault();
        setConfirming(true);
      }}
    >
      {label}
    </Link>
  );
  if (!confirming) return link;
  // The question's code arrives on the first tap (the link stays until it does).
  return (
    <Suspense fallback={link}>
      <ConfirmVoidDialog question={question} consequence={consequence} pending={pending} onCancel={() => setConfirming(false)} />
    </Suspense>
  );
}
